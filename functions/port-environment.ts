import { defaultApp, type Platform, platforms } from '../shared/domain/push/device.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { deliveryQueue, fanoutQueue, queueEnvName, rejectedEventsQueue } from '../shared/resources/queues.ts';
import { receiptKeySecret } from '../shared/resources/secrets.ts';
import {
  campaignsTable,
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
  campaignsTable: tableEnvName(campaignsTable),
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
  /** Where campaign launches are scheduled, the role Scheduler assumes, and the function it invokes. */
  campaignLaunchGroup: 'CAMPAIGN_LAUNCH_GROUP',
  campaignLaunchRoleArn: 'CAMPAIGN_LAUNCH_ROLE_ARN',
  campaignLaunchDeadLetterArn: 'CAMPAIGN_LAUNCH_DEAD_LETTER_ARN',
  campaignFunctionArn: 'CAMPAIGN_FUNCTION_ARN',
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

/**
 * The platform applications of every app but the default one, as JSON by app and platform
 * (`{"shop":{"APNS":"arn:..."}}`). The default app's stay in `platformApplicationEnv`, so a
 * single-app deployment's functions keep the environment they had before apps existed.
 */
export const appPlatformApplicationsEnv = 'HERALD_APP_PLATFORM_APPLICATIONS';

/** Every app's platform applications, by app then platform; the default app is `defaultApp`. */
export type AppPlatformApplications = Readonly<Record<string, Readonly<Partial<Record<Platform, string>>>>>;

/** The variables holding `apps`' platform applications (what the stack sets). */
export const platformApplicationVariables = (apps: AppPlatformApplications): Record<string, string> => {
  const { [defaultApp]: defaults = {}, ...others } = apps;
  const variables: Record<string, string> = {};
  for (const [platform, arn] of Object.entries(defaults))
    if (arn) variables[platformApplicationEnv[platform as Platform]] = arn;
  if (Object.keys(others).length > 0) variables[appPlatformApplicationsEnv] = JSON.stringify(others);
  return variables;
};

/** `apps` back from the variables `read` gives (what the push gateway is built with). */
export const platformApplicationsFrom = (
  read: (name: string) => string | undefined,
): AppPlatformApplications => {
  const defaults = Object.fromEntries(
    platforms.flatMap((platform) => {
      const arn = read(platformApplicationEnv[platform]);
      return arn ? [[platform, arn]] : [];
    }),
  );
  const others = read(appPlatformApplicationsEnv);
  return { [defaultApp]: defaults, ...(others ? (JSON.parse(others) as AppPlatformApplications) : {}) };
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
  // The set is checked against the policy its caps join (businesses without caps are refused).
  catalog: mayUse(envName.fatiguePolicy),
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
  gateway: mayUse(...Object.values(platformApplicationEnv), appPlatformApplicationsEnv),
  actions: needs(envName.eventBusName),
  messageLog: needs(envName.messageLogStream),
  receipts: needs(envName.receiptKeySecretArn),
  // Usage counters live in the outcomes table, beside the outcomes they were measured with.
  costs: needs(envName.outcomesTable),
  campaigns: needs(envName.campaignsTable),
  deviceHolders: needs(envName.devicesTable),
  // Reads the S3 object a campaign names; the function's role says which buckets it may.
  userLists: none,
  launches: needs(
    envName.campaignLaunchGroup,
    envName.campaignLaunchRoleArn,
    envName.campaignFunctionArn,
    envName.campaignLaunchDeadLetterArn,
  ),
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
  fanoutWorker: [
    ...fanOutPorts,
    'fanoutDeadLetters',
    'redelivery',
    'costs',
    'campaigns',
    'deviceHolders',
    'userLists',
    'devices',
  ],
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
    'campaigns',
    'holds',
  ],
  // Ops' actions and Scheduler's launches: a launch sends the readers, a resume parked jobs (or
  // holds them); a dry run reads the audience as a reader does.
  campaign: [
    'campaigns',
    'clock',
    'launches',
    'fanout',
    'relations',
    'delivery',
    'holds',
    'outcomes',
    'costs',
    'deviceHolders',
    'userLists',
    'devices',
    'users',
    'policy',
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
