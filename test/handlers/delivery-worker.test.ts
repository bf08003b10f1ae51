import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../../shared/local/device-simulator.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';
import { sqsRecord } from '../support/sqs-records.ts';

const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
const simulator = new DeviceSimulator(() => clock.now());
let local: LocalPorts;
let jobs = 0;

const job = (userIds: string[]) => ({
  jobId: `job-${++jobs}`,
  eventId: `evt-${jobs}`,
  recipeId: 'followed-seller-new-item',
  variant: 'A',
  push: { title: 'New from a seller you follow', body: 'Oak chair: 45 EUR' },
  userIds,
});
const record = (body: unknown, messageId: string, receives = 1) =>
  sqsRecord(JSON.stringify(body), messageId, receives);
const queueDepth = async (queueId: string) => {
  const out = await local.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: local.queueUrls[queueId],
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    delayed: Number(out.Attributes?.ApproximateNumberOfMessagesDelayed),
  };
};
const phones = async (userId: string, count: number) => {
  for (let i = 0; i < count; i++) {
    await registerDevice(
      { userId, platform: i % 2 ? 'FCM' : 'APNS', token: `token-${userId}-${i}` },
      local.ports,
    );
  }
};

describe('delivery worker on DynamoDB Local and fauxqs', () => {
  beforeAll(async () => {
    local = await provisionLocalPorts(sharedEngines(), {
      gateway: simulator,
      holds: new LocalHoldScheduler(),
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock,
    });
    await phones('amy', 2);
    await phones('ben', 1);
  });
  beforeEach(() => simulator.injectFaults({}));
  afterAll(() => local.close());

  it('sends devices still throttled to the delivery queue as a delayed follow-up, leaving their recipients open', async () => {
    simulator.injectFaults({ throttleFirst: 1_000 });
    const worker = createDeliveryWorker(() => local.ports);
    const throttledJob = job(['amy', 'ben']);

    const response = await worker({ Records: [record(throttledJob, 'm1')] }, localContext('delivery'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(simulator.publishes).toBe(3 * 4);
    expect(await queueDepth(deliveryQueue.id)).toEqual({ visible: 0, delayed: 1 });
    expect(await local.ports.outcomes.wasRecorded(throttledJob.jobId)).toBe(true);
    expect((await local.ports.outcomes.summary())['followed-seller-new-item']).toBeUndefined();
  });

  it('turns back a second copy of a job another worker holds, for SQS to retry', async () => {
    const held = job(['amy']);
    await local.ports.deliveryProgress.acquire(held.jobId, 'another-worker', 60_000);
    const worker = createDeliveryWorker(() => local.ports);

    const response = await worker({ Records: [record(held, 'm2')] }, localContext('delivery'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('on the last receive, settles every open recipient as failed gave-up and moves the job to the dead letters with its reason', async () => {
    const failing = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const ports = {
      ...local.ports,
      devices: { ...local.ports.devices, devicesOf: () => Promise.reject(failing) },
    };
    const worker = createDeliveryWorker(() => ports);
    const doomed = job(['amy']);

    const early = await worker({ Records: [record(doomed, 'm3', 4)] }, localContext('delivery'));
    const last = await worker({ Records: [record(doomed, 'm3', 5)] }, localContext('delivery'));

    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'm3' }] });
    expect(last).toEqual({ batchItemFailures: [] });
    const out = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: local.queueUrls[deliveryQueue.deadLetterQueue!.id],
        WaitTimeSeconds: 0,
      }),
    );
    expect(out.Messages?.map((m) => JSON.parse(m.Body!))).toEqual([
      {
        reason: `delivery job ${doomed.jobId}: gave up on the last receive: Rate of requests exceeds the allowed throughput`,
        event: JSON.stringify(doomed),
      },
    ]);
    expect((await local.ports.outcomes.summary())['followed-seller-new-item']?.failed).toMatchObject({
      'gave-up': 1,
    });
  });
});
