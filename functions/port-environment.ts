import type { Platform } from '../shared/domain/push/device.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { deliveryQueue, fanoutQueue, queueEnvName, rejectedEventsQueue } from '../shared/resources/queues.ts';
import { receiptKeySecret } from '../shared/resources/secrets.ts';
import {
  devicesTable,
  ledgerTable,
  outcomesTable,
  relationsTable,
  tableEnvName,
  usersTable,
} from '../shared/resources/tables.ts';

/**
 * The environment variables of Herald's functions, by name. The stack sets them
 * (infra/constructs), functions/lambda-ports.ts reads them: both take the names from here.
 */
export const envName = {
  relationsTable: tableEnvName(relationsTable),
  usersTable: tableEnvName(usersTable),
  devicesTable: tableEnvName(devicesTable),
  ledgerTable: tableEnvName(ledgerTable),
  outcomesTable: tableEnvName(outcomesTable),
  fanoutQueueUrl: queueEnvName(fanoutQueue),
  fanoutDeadLettersUrl: queueEnvName(fanoutQueue.deadLetterQueue!),
  deliveryQueueUrl: queueEnvName(deliveryQueue),
  deliveryDeadLettersUrl: queueEnvName(deliveryQueue.deadLetterQueue!),
  rejectedEventsUrl: queueEnvName(rejectedEventsQueue),
  holdScheduleGroup: 'HOLD_SCHEDULE_GROUP',
  holdSchedulerRoleArn: 'HOLD_SCHEDULER_ROLE_ARN',
  deliveryQueueArn: 'DELIVERY_QUEUE_ARN',
  holdDeadLetterArn: 'HOLD_DEAD_LETTER_ARN',
  /** JSON of a fatigue policy replacing the default one. */
  fatiguePolicy: 'HERALD_FATIGUE_POLICY',
  /** The Firehose stream of the message log. */
  messageLogStream: 'HERALD_MESSAGE_LOG_STREAM',
  /** The secret holding the receipt tokens' signing key. */
  receiptKeySecretArn: receiptKeySecret.envName,
  /** The event bus emit actions put their events on: Herald's own. */
  eventBusName: 'HERALD_EVENT_BUS_NAME',
  /** The canary device's SNS endpoint, when the canary runs. */
  canaryEndpointArn: 'HERALD_CANARY_ENDPOINT_ARN',
} as const;

/** The variable holding each platform's SNS platform application ARN. */
export const platformApplicationEnv: Readonly<Record<Platform, string>> = {
  APNS: 'APNS_APPLICATION_ARN',
  APNS_SANDBOX: 'APNS_SANDBOX_APPLICATION_ARN',
  FCM: 'FCM_APPLICATION_ARN',
};

/** What one port reads when it is built: variables it cannot do without, and those it may go without. */
export interface PortVariables {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const needs = (...required: string[]): PortVariables => ({ required, optional: [] });
const mayUse = (...optional: string[]): PortVariables => ({ required: [], optional });
const none = needs();

/**
 * The variables each port reads when it is first used (functions/lambda-ports.ts builds each
 * port on first use). A port that starts reading another variable adds it here.
 */
export const portVariables: { readonly [P in keyof HeraldPorts]-?: PortVariables } = {
  catalog: none,
  policy: mayUse(envName.fatiguePolicy),
  clock: none,
  relations: needs(envName.relationsTable),
  users: needs(envName.usersTable),
  devices: needs(envName.devicesTable),
  fatigue: needs(envName.ledgerTable),
  // The batch marker lives in the ledger, in one transaction with the counters.
  outcomes: needs(envName.outcomesTable, envName.ledgerTable),
  fanoutProgress: needs(envName.ledgerTable),
  outbox: needs(envName.ledgerTable),
  deliveryProgress: needs(envName.ledgerTable),
  fanout: needs(envName.fanoutQueueUrl),
  delivery: needs(envName.deliveryQueueUrl),
  // Holds within SQS's 15-minute timer go to the delivery queue itself; longer ones become schedules.
  holds: needs(
    envName.holdScheduleGroup,
    envName.holdSchedulerRoleArn,
    envName.deliveryQueueArn,
    envName.holdDeadLetterArn,
    envName.deliveryQueueUrl,
  ),
  rejected: needs(envName.rejectedEventsUrl),
  fanoutDeadLetters: needs(envName.fanoutDeadLettersUrl),
  deliveryDeadLetters: needs(envName.deliveryDeadLettersUrl),
  // Changes the visibility of the message it is given, by the queue URL the message came from.
  redelivery: none,
  // A platform left unconfigured cannot register devices or publish to them.
  gateway: mayUse(...Object.values(platformApplicationEnv)),
  actions: needs(envName.eventBusName),
  messageLog: needs(envName.messageLogStream),
  receipts: needs(envName.receiptKeySecretArn),
  // Usage counters live in the outcomes table, beside the outcomes they were measured with.
  costs: needs(envName.outcomesTable),
};

/** The ports that reaching a fan-out of one audience slice takes (`fanOutSlice`). */
const fanOutPorts = [
  'catalog',
  'policy',
  'clock',
  'relations',
  'users',
  'fatigue',
  'outcomes',
  'fanoutProgress',
  'outbox',
  'fanout',
  'delivery',
  'holds',
  'messageLog',
] as const satisfies readonly (keyof HeraldPorts)[];

/**
 * The ports each function's handler uses: those of its use case, and those the handler itself
 * calls (dead letters, redelivery). The stack gives a function the variables of these ports and
 * no others; a handler that starts using another port adds it here.
 */
export const functionPorts = {
  relationWriter: ['relations', 'rejected', 'clock', 'costs'],
  planner: [...fanOutPorts, 'rejected', 'costs'],
  fanoutWorker: [...fanOutPorts, 'fanoutDeadLetters', 'redelivery', 'costs'],
  deliveryWorker: [
    'devices',
    'gateway',
    'actions',
    'outcomes',
    'deliveryProgress',
    'delivery',
    'fatigue',
    'users',
    'clock',
    'deliveryDeadLetters',
    'redelivery',
    'messageLog',
    'receipts',
    'costs',
  ],
  deviceRegistration: ['devices', 'gateway', 'clock', 'costs'],
  devicePurge: ['devices', 'gateway', 'clock', 'costs'],
} as const satisfies Record<string, readonly (keyof HeraldPorts)[]>;

export type HeraldFunctionName = keyof typeof functionPorts;

/** The variables the ports of a function read, each once, required before optional. */
export const variablesOf = (ports: readonly (keyof HeraldPorts)[]): PortVariables => {
  const required = new Set(ports.flatMap((port) => portVariables[port].required));
  const optional = new Set(ports.flatMap((port) => portVariables[port].optional));
  return { required: [...required], optional: [...optional].filter((name) => !required.has(name)) };
};
