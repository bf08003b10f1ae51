import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { noMessageLog } from '../domain/engagement/message-log.ts';
import { keySigner } from '../domain/engagement/receipt-token.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { DynamoDbCostLedger } from './dynamodb/cost-ledger.ts';
import { DynamoDbDeviceDirectory } from './dynamodb/device-directory.ts';
import { DynamoDbFatigueLedger } from './dynamodb/fatigue-ledger.ts';
import { DynamoDbJobOutbox } from './dynamodb/job-outbox.ts';
import { DynamoDbOutcomeLedger } from './dynamodb/outcome-ledger.ts';
import { DynamoDbRelationStore } from './dynamodb/relation-store.ts';
import { DynamoDbUserDirectory } from './dynamodb/user-directory.ts';
import { DynamoDbDeliveryProgress, DynamoDbFanoutProgress } from './dynamodb/work-progress.ts';
import { SqsRedelivery } from './sqs/redelivery.ts';
import { SqsRejectedEvents } from './sqs/rejected-events.ts';
import { SqsWorkQueue } from './sqs/work-queue.ts';

export interface ResourceNames {
  readonly tables: { relations: string; users: string; devices: string; ledger: string; outcomes: string };
  readonly queues: {
    fanout: string;
    fanoutDeadLetters: string;
    delivery: string;
    deliveryDeadLetters: string;
    rejectedEvents: string;
  };
}

export interface AwsClients {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
}

/** What differs between AWS and the local runtime, or is configuration rather than a resource. */
export type InjectedPorts = Pick<HeraldPorts, 'gateway' | 'holds' | 'catalog' | 'policy' | 'clock'> &
  /** Absent: a log that keeps nothing, and tokens signed with a key made for this process (tests). */
  Partial<Pick<HeraldPorts, 'messageLog' | 'receipts'>>;

const processKey = randomBytes(32);
const processKeySigner = keySigner(async () => processKey);

/** Wires every storage and queue port to its AWS adapter. */
export const awsPorts = (names: ResourceNames, clients: AwsClients, injected: InjectedPorts): HeraldPorts => {
  const now = () => injected.clock.now();
  const { dynamodb, sqs } = clients;
  const businessOf = (scope: string) =>
    injected.catalog.recipes.find((r) => r.id === scope)?.business ?? 'unknown';
  return {
    ...injected,
    messageLog: injected.messageLog ?? noMessageLog,
    receipts: injected.receipts ?? processKeySigner,
    relations: new DynamoDbRelationStore(dynamodb, names.tables.relations),
    users: new DynamoDbUserDirectory(dynamodb, names.tables.users),
    devices: new DynamoDbDeviceDirectory(dynamodb, names.tables.devices),
    fatigue: new DynamoDbFatigueLedger(dynamodb, names.tables.ledger),
    outcomes: new DynamoDbOutcomeLedger(
      dynamodb,
      { outcomes: names.tables.outcomes, ledger: names.tables.ledger },
      now,
      businessOf,
    ),
    costs: new DynamoDbCostLedger(dynamodb, names.tables.outcomes, businessOf),
    fanout: new SqsWorkQueue(sqs, names.queues.fanout),
    delivery: new SqsWorkQueue(sqs, names.queues.delivery),
    rejected: new SqsRejectedEvents(sqs, names.queues.rejectedEvents),
    fanoutDeadLetters: new SqsRejectedEvents(sqs, names.queues.fanoutDeadLetters),
    deliveryDeadLetters: new SqsRejectedEvents(sqs, names.queues.deliveryDeadLetters),
    redelivery: new SqsRedelivery(sqs),
    deliveryProgress: new DynamoDbDeliveryProgress(dynamodb, names.tables.ledger),
    fanoutProgress: new DynamoDbFanoutProgress(dynamodb, names.tables.ledger),
    outbox: new DynamoDbJobOutbox(dynamodb, names.tables.ledger),
  };
};
