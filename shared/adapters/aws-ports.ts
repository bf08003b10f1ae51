import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import type { PushGateway } from '../domain/push/push-gateway.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { DynamoDbDeviceDirectory } from './dynamodb/device-directory.ts';
import { DynamoDbOutcomeLedger } from './dynamodb/outcome-ledger.ts';
import { DynamoDbRecipientClaims } from './dynamodb/recipient-claims.ts';
import { DynamoDbRelationStore } from './dynamodb/relation-store.ts';
import { DynamoDbUserDirectory } from './dynamodb/user-directory.ts';
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

/** Wires every port to its AWS adapter. The push gateway comes in ready-made (SNS, or a simulator). */
export const awsPorts = (
  names: ResourceNames,
  clients: AwsClients,
  gateway: PushGateway,
  catalog: RecipeCatalog,
  clock: Clock,
): HeraldPorts => {
  const now = () => clock.now();
  const { dynamodb, sqs } = clients;
  return {
    catalog,
    clock,
    gateway,
    relations: new DynamoDbRelationStore(dynamodb, names.tables.relations),
    users: new DynamoDbUserDirectory(dynamodb, names.tables.users),
    devices: new DynamoDbDeviceDirectory(dynamodb, names.tables.devices),
    claims: new DynamoDbRecipientClaims(dynamodb, names.tables.ledger, now),
    outcomes: new DynamoDbOutcomeLedger(
      dynamodb,
      { outcomes: names.tables.outcomes, ledger: names.tables.ledger },
      now,
    ),
    fanout: new SqsWorkQueue(sqs, names.queues.fanout),
    delivery: new SqsWorkQueue(sqs, names.queues.delivery),
    rejected: new SqsRejectedEvents(sqs, names.queues.rejectedEvents),
    fanoutDeadLetters: new SqsRejectedEvents(sqs, names.queues.fanoutDeadLetters),
    deliveryDeadLetters: new SqsRejectedEvents(sqs, names.queues.deliveryDeadLetters),
  };
};
