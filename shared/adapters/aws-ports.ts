import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { noActionBus } from '../domain/actions/action-event.ts';
import { campaignBusinessOf } from '../domain/campaigns/campaign-businesses.ts';
import { noMessageLog } from '../domain/engagement/message-log.ts';
import { keySigner } from '../domain/engagement/receipt-token.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { deliveryQueue, fanoutQueue, rejectedEventsQueue } from '../resources/queues.ts';
import {
  campaignsTable,
  devicesTable,
  ledgerTable,
  outcomesTable,
  relationsTable,
  usersTable,
} from '../resources/tables.ts';
import { DynamoDbCampaignStore } from './dynamodb/campaign-store.ts';
import { DynamoDbCostLedger } from './dynamodb/cost-ledger.ts';
import { DynamoDbDeviceDirectory } from './dynamodb/device-directory.ts';
import { DynamoDbDeviceHolders } from './dynamodb/device-holders.ts';
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
  readonly tables: {
    relations: string;
    users: string;
    devices: string;
    ledger: string;
    outcomes: string;
    campaigns: string;
  };
  readonly queues: {
    fanout: string;
    fanoutDeadLetters: string;
    delivery: string;
    deliveryDeadLetters: string;
    rejectedEvents: string;
  };
}

/** The names of Herald's tables and queues, from lookups by definition id (provisioned, or as a runtime file names them). */
export const resourceNamesOf = (
  table: (id: string) => string,
  queue: (id: string) => string,
): ResourceNames => ({
  tables: {
    relations: table(relationsTable.id),
    users: table(usersTable.id),
    devices: table(devicesTable.id),
    ledger: table(ledgerTable.id),
    outcomes: table(outcomesTable.id),
    campaigns: table(campaignsTable.id),
  },
  queues: {
    fanout: queue(fanoutQueue.id),
    fanoutDeadLetters: queue(fanoutQueue.deadLetterQueue!.id),
    delivery: queue(deliveryQueue.id),
    deliveryDeadLetters: queue(deliveryQueue.deadLetterQueue!.id),
    rejectedEvents: queue(rejectedEventsQueue.id),
  },
});

export interface AwsClients {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
}

/** What differs between AWS and the local runtime, or is configuration rather than a resource. */
export type InjectedPorts = Pick<HeraldPorts, 'gateway' | 'holds' | 'catalog' | 'policy' | 'clock'> &
  /**
   * Absent: a log that keeps nothing, tokens signed with a key made for this process (tests), and
   * an action bus that fails every emit, naming what is missing.
   */
  Partial<Pick<HeraldPorts, 'messageLog' | 'receipts' | 'actions' | 'userLists' | 'launches'>>;

const processKey = randomBytes(32);
const processKeySigner = keySigner(async () => processKey);

/** A builder per port: calling one builds that port, and reads only the names and clients it uses. */
export type PortBuilders<K extends keyof HeraldPorts> = { readonly [P in K]: () => HeraldPorts[P] };

/** The ports AWS resources (tables, queues) back, and the engagement ports' defaults. */
export type AwsPort = Exclude<keyof HeraldPorts, keyof InjectedPorts> | 'messageLog' | 'receipts';

/** The business a usage scope belongs to: a recipe's from the catalog, a campaign's as last read; `unknown` otherwise. */
export const businessOfScope =
  (catalog: () => RecipeCatalog) =>
  (scope: string): string =>
    catalog().recipes.find((recipe) => recipe.id === scope)?.business ??
    campaignBusinessOf(scope) ??
    'unknown';

/**
 * How each storage and queue port is wired to its AWS adapter, one builder per port, so that a
 * Lambda function builds only the ports it uses (functions/lambda-ports.ts). `names` and
 * `clients` are read inside the builders, never before; `now` stamps the outcome ledger's markers;
 * `catalog` names the business of the usage counters.
 */
export const awsPortBuilders = (
  names: ResourceNames,
  clients: AwsClients,
  now: () => Date,
  catalog: () => RecipeCatalog,
): PortBuilders<AwsPort> => {
  const businessOf = businessOfScope(catalog);
  return {
    messageLog: () => noMessageLog,
    receipts: () => processKeySigner,
    relations: () => new DynamoDbRelationStore(clients.dynamodb, names.tables.relations),
    users: () => new DynamoDbUserDirectory(clients.dynamodb, names.tables.users),
    devices: () => new DynamoDbDeviceDirectory(clients.dynamodb, names.tables.devices),
    fatigue: () => new DynamoDbFatigueLedger(clients.dynamodb, names.tables.ledger),
    outcomes: () =>
      new DynamoDbOutcomeLedger(
        clients.dynamodb,
        { outcomes: names.tables.outcomes, ledger: names.tables.ledger },
        now,
        businessOf,
      ),
    costs: () => new DynamoDbCostLedger(clients.dynamodb, names.tables.outcomes, businessOf),
    campaigns: () => new DynamoDbCampaignStore(clients.dynamodb, names.tables.campaigns),
    deviceHolders: () => new DynamoDbDeviceHolders(clients.dynamodb, names.tables.devices),
    fanout: () => new SqsWorkQueue(clients.sqs, names.queues.fanout),
    delivery: () => new SqsWorkQueue(clients.sqs, names.queues.delivery),
    rejected: () => new SqsRejectedEvents(clients.sqs, names.queues.rejectedEvents),
    fanoutDeadLetters: () => new SqsRejectedEvents(clients.sqs, names.queues.fanoutDeadLetters),
    deliveryDeadLetters: () => new SqsRejectedEvents(clients.sqs, names.queues.deliveryDeadLetters),
    redelivery: () => new SqsRedelivery(clients.sqs),
    deliveryProgress: () => new DynamoDbDeliveryProgress(clients.dynamodb, names.tables.ledger),
    fanoutProgress: () => new DynamoDbFanoutProgress(clients.dynamodb, names.tables.ledger),
    outbox: () => new DynamoDbJobOutbox(clients.dynamodb, names.tables.ledger),
  };
};

/** Wires every storage and queue port to its AWS adapter. */
export const awsPorts = (names: ResourceNames, clients: AwsClients, injected: InjectedPorts): HeraldPorts => {
  const builders = awsPortBuilders(
    names,
    clients,
    () => injected.clock.now(),
    () => injected.catalog,
  );
  const built = Object.fromEntries(Object.entries(builders).map(([port, build]) => [port, build()])) as {
    [P in AwsPort]: HeraldPorts[P];
  };
  return {
    ...built,
    ...injected,
    messageLog: injected.messageLog ?? built.messageLog,
    receipts: injected.receipts ?? built.receipts,
    actions: injected.actions ?? noActionBus,
  };
};
