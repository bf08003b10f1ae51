import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type AwsClients,
  awsPortBuilders,
  type PortBuilders,
  type ResourceNames,
} from '../shared/adapters/aws-ports.ts';
import { retryingClientConfig } from '../shared/adapters/client-config.ts';
import { documentClient } from '../shared/adapters/dynamodb/document-client.ts';
import { PublisherActionBus } from '../shared/adapters/eventbridge/publisher-action-bus.ts';
import { S3UserLists } from '../shared/adapters/lists/s3-user-lists.ts';
import { FirehoseMessageLog } from '../shared/adapters/message-log/firehose-message-log.ts';
import { SecretsManagerReceiptKeys } from '../shared/adapters/receipts/secrets-manager-keys.ts';
import { EventBridgeCampaignLaunches } from '../shared/adapters/scheduler/eventbridge-campaign-launches.ts';
import { EventBridgeHoldScheduler } from '../shared/adapters/scheduler/eventbridge-hold-scheduler.ts';
import { snsPushClient } from '../shared/adapters/sns/sns-client.ts';
import { SnsPushGateway } from '../shared/adapters/sns/sns-push-gateway.ts';
import { SqsWorkQueue } from '../shared/adapters/sqs/work-queue.ts';
import { systemClock } from '../shared/domain/clock.ts';
import { signerFrom } from '../shared/domain/engagement/receipt-keys.ts';
import { defaultPolicy, parsePolicy } from '../shared/domain/fatigue/policy.ts';
import { recipeSetCatalog } from '../shared/domain/recipes/recipe-set-catalog.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { type MeteredService, requestMeter } from '../shared/observability/request-meter.ts';
import { traced } from '../shared/observability/tracer.ts';
import { Publisher } from '../shared/publisher/publisher.ts';
import { bundledRecipeSet } from './bundled-recipe-set.ts';
import { lazyPorts } from './lazy-port.ts';
import { envName, platformApplicationsFrom } from './port-environment.ts';

/** A variable a port cannot do without; missing, it fails the port's first use, by name. */
const required = (name: string): string =>
  parseOrThrow(
    z.string({ error: `environment variable ${name} is not set` }).min(1),
    process.env[name],
    `env.${name}`,
  );
const optional = (name: string): string | undefined => process.env[name] || undefined;

/** Builds `make` on the first call and returns that one value ever after. */
const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

/** A client counted by the request meter, and traced (every request a subsegment of the invocation). */
const metered = <T extends object>(client: T, service: MeteredService): T => {
  requestMeter.attach(client, service);
  return traced(client);
};

// Retries: the SDK's standard ones where a retry is harmless, none under SNS publishes (client-config.ts).
const sqs = once(() => metered(new SQSClient(retryingClientConfig), 'sqs'));
const dynamodb = once(
  (): DynamoDBDocumentClient => metered(documentClient(retryingClientConfig), 'dynamodb'),
);
const sns = once((): SNSClient => metered(snsPushClient(), 'sns'));

/**
 * The recipe set of this deployment, checked again at cold start: the `catalog` port (recipes,
 * contracts, channels), the business of each usage scope, and the policy with the set's caps.
 */
const recipeSet = once(() => {
  const policy = optional(envName.fatiguePolicy);
  return recipeSetCatalog(
    bundledRecipeSet(),
    policy ? parsePolicy(JSON.parse(policy), envName.fatiguePolicy) : defaultPolicy,
  );
});
const catalog = () => recipeSet().catalog;

/** Resource names, each read from the environment only when a port asks for it. */
const names: ResourceNames = {
  tables: {
    get relations() {
      return required(envName.relationsTable);
    },
    get users() {
      return required(envName.usersTable);
    },
    get devices() {
      return required(envName.devicesTable);
    },
    get ledger() {
      return required(envName.ledgerTable);
    },
    get outcomes() {
      return required(envName.outcomesTable);
    },
    get campaigns() {
      return required(envName.campaignsTable);
    },
  },
  queues: {
    get fanout() {
      return required(envName.fanoutQueueUrl);
    },
    get fanoutDeadLetters() {
      return required(envName.fanoutDeadLettersUrl);
    },
    get delivery() {
      return required(envName.deliveryQueueUrl);
    },
    get deliveryDeadLetters() {
      return required(envName.deliveryDeadLettersUrl);
    },
    get rejectedEvents() {
      return required(envName.rejectedEventsUrl);
    },
  },
};

const clients: AwsClients = {
  get dynamodb() {
    return dynamodb();
  },
  get sqs() {
    return sqs();
  },
};

/**
 * How each port is built on AWS. A builder reads only its own variables (port-environment.ts
 * lists them, and the stack gives each function only those of the ports it uses).
 */
const builders: PortBuilders<keyof HeraldPorts> = {
  ...awsPortBuilders(names, clients, () => systemClock.now(), catalog),
  catalog,
  clock: () => systemClock,
  policy: () => recipeSet().policy,
  gateway: () => new SnsPushGateway(sns(), platformApplicationsFrom(optional)),
  actions: () =>
    new PublisherActionBus(
      new Publisher({
        client: metered(new EventBridgeClient({ maxAttempts: 1 }), 'eventbridge'),
        eventBusName: required(envName.eventBusName),
      }),
    ),
  messageLog: () => new FirehoseMessageLog(required(envName.messageLogStream)),
  receipts: () => signerFrom(new SecretsManagerReceiptKeys(required(envName.receiptKeySecretArn))),
  holds: () =>
    new EventBridgeHoldScheduler(metered(new SchedulerClient(retryingClientConfig), 'scheduler'), {
      groupName: required(envName.holdScheduleGroup),
      roleArn: required(envName.holdSchedulerRoleArn),
      deliveryQueueArn: required(envName.deliveryQueueArn),
      deadLetterArn: required(envName.holdDeadLetterArn),
      now: () => systemClock.now(),
      delivery: new SqsWorkQueue(sqs(), required(envName.deliveryQueueUrl)),
    }),
  userLists: () => new S3UserLists(new S3Client(retryingClientConfig)),
  launches: () =>
    new EventBridgeCampaignLaunches(metered(new SchedulerClient(retryingClientConfig), 'scheduler'), {
      groupName: required(envName.campaignLaunchGroup),
      roleArn: required(envName.campaignLaunchRoleArn),
      functionArn: required(envName.campaignFunctionArn),
      deadLetterArn: required(envName.campaignLaunchDeadLetterArn),
    }),
};

let ports: HeraldPorts | undefined;

/**
 * Herald's ports on AWS, once per Lambda container. Each port is built on its first use, so a
 * function reads the environment of, and creates clients for, only the ports its handler reaches.
 */
export const lambdaPorts = (): HeraldPorts => {
  ports ??= lazyPorts<HeraldPorts>(builders);
  return ports;
};
