import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { awsPorts } from '../shared/adapters/aws-ports.ts';
import { retryingClientConfig } from '../shared/adapters/client-config.ts';
import { documentClient } from '../shared/adapters/dynamodb/document-client.ts';
import { EventBridgeHoldScheduler } from '../shared/adapters/scheduler/eventbridge-hold-scheduler.ts';
import { snsPushClient } from '../shared/adapters/sns/sns-client.ts';
import { SnsPushGateway } from '../shared/adapters/sns/sns-push-gateway.ts';
import { SqsWorkQueue } from '../shared/adapters/sqs/work-queue.ts';
import { systemClock } from '../shared/domain/clock.ts';
import { defaultPolicy, parsePolicy } from '../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import { parseOrThrow } from '../shared/domain/validation.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { deliveryQueue, fanoutQueue, queueEnvName, rejectedEventsQueue } from '../shared/resources/queues.ts';
import {
  devicesTable,
  ledgerTable,
  outcomesTable,
  relationsTable,
  tableEnvName,
  usersTable,
} from '../shared/resources/tables.ts';

const env = (name: string) => z.string({ error: `environment variable ${name} is not set` }).min(1);
const optional = z.string().min(1).optional();

/** The environment the stack gives every function; a missing name fails at cold start, by name. */
export const lambdaEnvironment = z.object({
  [tableEnvName(relationsTable)]: env(tableEnvName(relationsTable)),
  [tableEnvName(usersTable)]: env(tableEnvName(usersTable)),
  [tableEnvName(devicesTable)]: env(tableEnvName(devicesTable)),
  [tableEnvName(ledgerTable)]: env(tableEnvName(ledgerTable)),
  [tableEnvName(outcomesTable)]: env(tableEnvName(outcomesTable)),
  [queueEnvName(fanoutQueue)]: env(queueEnvName(fanoutQueue)),
  [queueEnvName(fanoutQueue.deadLetterQueue!)]: env(queueEnvName(fanoutQueue.deadLetterQueue!)),
  [queueEnvName(deliveryQueue)]: env(queueEnvName(deliveryQueue)),
  [queueEnvName(deliveryQueue.deadLetterQueue!)]: env(queueEnvName(deliveryQueue.deadLetterQueue!)),
  [queueEnvName(rejectedEventsQueue)]: env(queueEnvName(rejectedEventsQueue)),
  HOLD_SCHEDULE_GROUP: env('HOLD_SCHEDULE_GROUP'),
  HOLD_SCHEDULER_ROLE_ARN: env('HOLD_SCHEDULER_ROLE_ARN'),
  DELIVERY_QUEUE_ARN: env('DELIVERY_QUEUE_ARN'),
  HOLD_DEAD_LETTER_ARN: env('HOLD_DEAD_LETTER_ARN'),
  /** JSON of a fatigue policy replacing the default one. */
  HERALD_FATIGUE_POLICY: optional,
  APNS_APPLICATION_ARN: optional,
  APNS_SANDBOX_APPLICATION_ARN: optional,
  FCM_APPLICATION_ARN: optional,
});

let ports: HeraldPorts | undefined;

/** Builds the ports once per Lambda container, from the environment, on first use. */
export const lambdaPorts = (): HeraldPorts => {
  if (ports) return ports;
  const e = parseOrThrow(lambdaEnvironment, process.env, 'env') as Record<string, string | undefined>;
  const get = (name: string) => e[name]!;
  // Retries: the SDK's standard ones where a retry is harmless, none under SNS publishes (client-config.ts).
  const sqs = new SQSClient(retryingClientConfig);
  const dynamodb = documentClient(retryingClientConfig);
  const sns = snsPushClient();
  requestMeter.attach(dynamodb, 'dynamodb');
  requestMeter.attach(sqs, 'sqs');
  requestMeter.attach(sns, 'sns');
  const deliveryUrl = get(queueEnvName(deliveryQueue));
  const scheduler = new SchedulerClient(retryingClientConfig);
  requestMeter.attach(scheduler, 'scheduler');
  const holds = new EventBridgeHoldScheduler(scheduler, {
    groupName: get('HOLD_SCHEDULE_GROUP'),
    roleArn: get('HOLD_SCHEDULER_ROLE_ARN'),
    deliveryQueueArn: get('DELIVERY_QUEUE_ARN'),
    deadLetterArn: get('HOLD_DEAD_LETTER_ARN'),
    now: () => systemClock.now(),
    delivery: new SqsWorkQueue(sqs, deliveryUrl),
  });
  const policy = e.HERALD_FATIGUE_POLICY
    ? parsePolicy(JSON.parse(e.HERALD_FATIGUE_POLICY), 'HERALD_FATIGUE_POLICY')
    : defaultPolicy;
  ports = awsPorts(
    {
      tables: {
        relations: get(tableEnvName(relationsTable)),
        users: get(tableEnvName(usersTable)),
        devices: get(tableEnvName(devicesTable)),
        ledger: get(tableEnvName(ledgerTable)),
        outcomes: get(tableEnvName(outcomesTable)),
      },
      queues: {
        fanout: get(queueEnvName(fanoutQueue)),
        fanoutDeadLetters: get(queueEnvName(fanoutQueue.deadLetterQueue!)),
        delivery: deliveryUrl,
        deliveryDeadLetters: get(queueEnvName(deliveryQueue.deadLetterQueue!)),
        rejectedEvents: get(queueEnvName(rejectedEventsQueue)),
      },
    },
    { dynamodb, sqs },
    {
      gateway: new SnsPushGateway(sns, {
        APNS: e.APNS_APPLICATION_ARN,
        APNS_SANDBOX: e.APNS_SANDBOX_APPLICATION_ARN,
        FCM: e.FCM_APPLICATION_ARN,
      }),
      holds,
      catalog: defaultCatalog(),
      policy,
      clock: systemClock,
    },
  );
  return ports;
};
