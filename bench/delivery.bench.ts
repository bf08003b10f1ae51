/**
 * AWS requests per delivered push, measured on the real delivery worker: DynamoDB Local and
 * fauxqs behind the same adapters as on AWS, the local event source mapping handing it SQS
 * batches, the device simulator in place of SNS. Requests are counted by an SDK middleware on
 * the SQS and DynamoDB clients, publishes at the simulator. The budget (README) is at most 2.2
 * billable requests per push, end to end.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import { createDeliveryWorker } from '../functions/delivery-worker/handler.ts';
import { defaultPolicy } from '../shared/domain/fatigue/policy.ts';
import { type DeliveryJob, recipientsPerJob } from '../shared/domain/push/delivery-job.ts';
import { defaultApp } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../shared/local/device-simulator.ts';
import { localCredentials, localRegion, startLocalEngines } from '../shared/local/engines.ts';
import { localContext } from '../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../shared/local/local-hold-scheduler.ts';
import { provisionLocalPorts } from '../shared/local/local-ports.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { SqsPoller } from '../shared/local/sqs-poller.ts';
import { collectingSink, EmfMetrics } from '../shared/observability/metrics.ts';
import { deliveryQueue } from '../shared/resources/queues.ts';

export interface DeliveryBenchResult {
  readonly recipients: number;
  readonly devices: number;
  readonly snsPublishesPerDeliveredPush: number;
  readonly sqsRequestsPerDeliveredPush: number;
  readonly dynamodbRequestsPerDeliveredPush: number;
}

const RECIPIENTS = 3000;
/** Every other recipient has a second device (a phone and a tablet). */
const devicesOf = (i: number) => 1 + (i % 2);
const SETUP_CONCURRENCY = 32;

const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

/**
 * Counts requests sent through a client. Empty long polls are left out: the event source
 * mapping makes them whether or not there is work, so they cost per queue and hour, not per push.
 */
const countRequests = <Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
) => {
  const counter = { requests: 0 };
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as unknown as { Messages?: unknown[] };
      const emptyPoll = context.commandName === 'ReceiveMessageCommand' && !output.Messages?.length;
      if (!emptyPoll) counter.requests++;
      return result;
    },
    { step: 'initialize', name: 'heraldBenchRequestCounter' },
  );
  return counter;
};

export async function benchDelivery(): Promise<DeliveryBenchResult> {
  const engines = await startLocalEngines();
  const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
  const simulator = new DeviceSimulator(() => clock.now());
  const local = await provisionLocalPorts(engines, {
    gateway: simulator,
    holds: new LocalHoldScheduler(),
    catalog: defaultCatalog(),
    policy: defaultPolicy,
    clock,
  });
  // Watching the queue is the benchmark's business, not the worker's: its own, uncounted client.
  const watcher = new SQSClient({
    region: localRegion,
    credentials: localCredentials,
    endpoint: engines.sqsEndpoint,
  });
  try {
    const userIds = Array.from({ length: RECIPIENTS }, (_, i) => `user-${String(i).padStart(6, '0')}`);
    let devices = 0;
    await forEachLimited(userIds, SETUP_CONCURRENCY, async (userId) => {
      const i = Number(userId.slice(5));
      for (let d = 0; d < devicesOf(i); d++) {
        const platform = d === 0 ? 'APNS' : 'FCM';
        const token = `${platform.toLowerCase()}-token-${userId}-${d}`;
        const endpointArn = await simulator.createEndpoint(defaultApp, platform, token, userId);
        await local.ports.devices.save(userId, {
          deviceId: `${userId}-${d}`,
          app: defaultApp,
          platform,
          token,
          endpointArn,
          enabled: true,
          lastSeen: clock.now(),
        });
        devices++;
      }
    });

    const sqs = countRequests(local.sqs.middlewareStack);
    const dynamodb = countRequests(local.dynamodb.middlewareStack);
    const jobs: DeliveryJob[] = [];
    for (let start = 0; start < userIds.length; start += recipientsPerJob) {
      jobs.push({
        jobId: `bench#${start}`,
        eventId: 'bench-event',
        recipeId: 'followed-seller-new-item',
        variant: 'A',
        push: {
          title: 'New from a seller you follow',
          body: 'Oak chair: 45 EUR',
          deepLink: 'market://items/i1',
        },
        userIds: userIds.slice(start, start + recipientsPerJob),
      });
    }
    // Sent as the fan-out worker sends them, so those requests count too.
    await local.ports.delivery.send(jobs);

    // The worker's metrics kept, as the local runtime keeps them: the process's own go to stdout.
    const worker = createDeliveryWorker(() => local.ports, new EmfMetrics(collectingSink()));
    const queueUrl = local.queueUrls[deliveryQueue.id]!;
    const poller = new SqsPoller(local.sqs, {
      queueUrl,
      queueArn: `arn:aws:sqs:${localRegion}:000000000000:${queueUrl.split('/').pop()}`,
      handler: (event) => worker(event, localContext('delivery-worker')),
      retryAfterSeconds: 1,
    });
    poller.start();
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('benchDelivery: the delivery queue did not drain in 120 s');
      const out = await watcher.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const pending = Object.values(out.Attributes ?? {}).reduce((n, v) => n + Number(v), 0);
      if (pending === 0 && !poller.busy) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await poller.stop();

    const delivered = simulator.received.length;
    if (delivered !== devices) throw new Error(`benchDelivery: ${delivered} pushes delivered of ${devices}`);
    return {
      recipients: RECIPIENTS,
      devices,
      snsPublishesPerDeliveredPush: simulator.publishes / delivered,
      sqsRequestsPerDeliveredPush: sqs.requests / delivered,
      dynamodbRequestsPerDeliveredPush: dynamodb.requests / delivered,
    };
  } finally {
    watcher.destroy();
    local.close();
    await engines.stop();
  }
}

if (import.meta.main) {
  const result = await benchDelivery();
  const per = (n: number) => n.toFixed(4);
  console.log(`delivery: ${result.recipients} recipients, ${result.devices} devices, per delivered push:`);
  console.log(`  SNS publishes      ${per(result.snsPublishesPerDeliveredPush)}`);
  console.log(`  SQS requests       ${per(result.sqsRequestsPerDeliveredPush)}`);
  console.log(`  DynamoDB requests  ${per(result.dynamodbRequestsPerDeliveredPush)}`);
  const total =
    result.snsPublishesPerDeliveredPush +
    result.sqsRequestsPerDeliveredPush +
    result.dynamodbRequestsPerDeliveredPush;
  console.log(`  total              ${per(total)}  (delivery stage only; fan-out adds its claim write)`);
}
