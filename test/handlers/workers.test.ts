import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { createFanoutWorker } from '../../functions/fanout-worker/handler.ts';
import { createPlanner } from '../../functions/planner/handler.ts';
import { createRelationWriter } from '../../functions/relation-writer/handler.ts';
import { parsePolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../../shared/local/device-simulator.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { deliveryQueue, fanoutQueue, rejectedEventsQueue } from '../../shared/resources/queues.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { audienceOf } from '../support/audience.ts';
import { sharedEngines } from '../support/engines.ts';
import { sqsRecord } from '../support/sqs-records.ts';

const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
const simulator = new DeviceSimulator(() => clock.now());
let local: LocalPorts;

const record = (body: string, messageId: string) => sqsRecord(body, messageId);
const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const eventBridgeEvent = (detailType: string, detail: unknown, source = 'market.social') => ({
  version: '0',
  id: `evt-${Math.random().toString(36).slice(2)}`,
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2026-11-21T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const messagesOn = async (queueId: string) => {
  const out = await local.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: local.queueUrls[queueId],
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!));
};

describe('Lambda handlers, given real event shapes', () => {
  beforeAll(async () => {
    local = await provisionLocalPorts(sharedEngines(), {
      gateway: simulator,
      holds: new LocalHoldScheduler(),
      catalog: defaultCatalog(),
      // No caps, no quiet hours: these tests are about event shapes, not fatigue.
      policy: parsePolicy({}),
      clock,
    });
  });
  afterAll(() => local.close());

  it('relation writer: an EventBridge event becomes a relation; a broken one is kept with its reason', async () => {
    const writer = createRelationWriter(() => local.ports);

    const ok = await writer(
      eventBridgeEvent('UserFollowed', { followerId: 'amy', sellerId: 's1' }),
      localContext('rw'),
    );
    const bad = await writer(
      eventBridgeEvent('UserFollowed', { followerId: 'amy', sellerId: 42 }),
      localContext('rw'),
    );

    expect(ok).toEqual({ status: 'applied' });
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^detail\.sellerId: /) });
    expect(await audienceOf(local.ports.relations, 'follow', 's1', clock.now())).toContain('amy');
    expect((await messagesOn(rejectedEventsQueue.id))[0]).toMatchObject({
      reason: expect.stringMatching(/^detail\.sellerId/),
      event: { detail: { sellerId: 42 } },
    });
  });

  it('planner: a small audience is fanned out at once, with no extra hop', async () => {
    const planner = createPlanner(() => local.ports);
    const event = eventBridgeEvent(
      'ItemListed',
      { itemId: 'i1', sellerId: 's1', title: 'Lamp', price: 5, currency: 'EUR' },
      'market.items',
    );

    const result = await planner({ recipeId: 'followed-seller-new-item', event }, localContext('planner'));

    expect(result).toMatchObject({ status: 'planned', tasks: 1, inline: { planned: 1, jobs: 1 } });
    expect(await messagesOn(fanoutQueue.id)).toEqual([]);
    expect(await messagesOn(deliveryQueue.id)).toEqual([
      expect.objectContaining({ eventId: event.id, userIds: ['amy'] }),
    ]);
  });

  it('planner: a hot target gets one fan-out task per shard, read in parallel', async () => {
    await local.ports.relations.promote('follow', 's-hot', 4);
    const planner = createPlanner(() => local.ports);
    const event = eventBridgeEvent(
      'ItemListed',
      { itemId: 'i9', sellerId: 's-hot', title: 'Lamp', price: 5, currency: 'EUR' },
      'market.items',
    );

    const result = await planner({ recipeId: 'followed-seller-new-item', event }, localContext('planner'));

    expect(result).toEqual({ status: 'planned', tasks: 4 });
    expect((await messagesOn(fanoutQueue.id)).map((t) => [t.shard, t.shards]).sort()).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  it('planner: input without a recipe id is kept aside, not retried', async () => {
    const planner = createPlanner(() => local.ports);

    const result = await planner({ event: {} }, localContext('planner'));

    expect(result).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^input\.recipeId: /) });
  });

  it('fan-out worker: bad and refused messages go to the dead letters with their reason, their neighbours still run', async () => {
    const worker = createFanoutWorker(() => local.ports);
    const task = {
      taskId: 'evt-1#followed-seller-new-item#0',
      recipeId: 'followed-seller-new-item',
      event: {
        id: 'evt-1',
        source: 'market.items',
        detailType: 'ItemListed',
        time: '2026-11-21T10:00:00Z',
        detail: { itemId: 'i1', sellerId: 's1', title: 'Lamp', price: 5, currency: 'EUR' },
      },
      plannedAt: '2026-11-21T10:00:00.000Z',
      identity: 'i-1',
      shard: 0,
    };
    const unknownRecipe = { ...task, taskId: 'evt-1#nope#0', recipeId: 'nope' };

    const response = await worker(
      sqsEvent(
        record(JSON.stringify(task), 'm-good'),
        record('{"taskId":', 'm-garbled'),
        record(JSON.stringify(unknownRecipe), 'm-fails'),
      ),
      localContext('fanout'),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await messagesOn(fanoutQueue.deadLetterQueue!.id)).toEqual(
      expect.arrayContaining([
        { reason: expect.stringMatching(/^body: not JSON/), event: '{"taskId":' },
        { reason: 'recipeId: no recipe "nope" in the catalog', event: JSON.stringify(unknownRecipe) },
      ]),
    );
    expect(await messagesOn(deliveryQueue.id)).toEqual([
      expect.objectContaining({
        recipeId: 'followed-seller-new-item',
        userIds: ['amy'],
        push: expect.objectContaining({ body: 'Lamp: 5 EUR' }),
      }),
    ]);
  });

  it('fan-out worker: a redelivered task neither counts nor pushes twice', async () => {
    const worker = createFanoutWorker(() => local.ports);
    const task = {
      taskId: 'evt-2#followed-seller-new-item#0',
      recipeId: 'followed-seller-new-item',
      event: {
        id: 'evt-2',
        source: 'market.items',
        detailType: 'ItemListed',
        time: '2026-11-21T10:00:00Z',
        detail: { itemId: 'i2', sellerId: 's1', title: 'Desk', price: 9, currency: 'EUR' },
      },
      plannedAt: '2026-11-21T10:00:00.000Z',
      identity: 'i-2',
      shard: 0,
    };

    await worker(sqsEvent(record(JSON.stringify(task), 'first')), localContext('fanout'));
    await worker(sqsEvent(record(JSON.stringify(task), 'again')), localContext('fanout'));

    expect(await messagesOn(deliveryQueue.id)).toHaveLength(1);
  });

  it('delivery worker: publishes to every enabled device of each recipient', async () => {
    await registerDevice(
      { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-0001' },
      { ...local.ports, gateway: simulator },
    );
    await registerDevice(
      { userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-0001' },
      { ...local.ports, gateway: simulator },
    );
    const worker = createDeliveryWorker(() => local.ports);
    const job = {
      jobId: 'job-1',
      eventId: 'evt-3',
      recipeId: 'followed-seller-new-item',
      variant: 'A',
      push: { title: 'T', body: 'B' },
      userIds: ['amy', 'nobody'],
    };

    const response = await worker(sqsEvent(record(JSON.stringify(job), 'j1')), localContext('delivery'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(simulator.received.map((r) => r.platform).sort()).toEqual(['APNS', 'FCM']);
    expect((await local.ports.outcomes.summary())['followed-seller-new-item']).toMatchObject({
      delivered: 1,
      suppressed: { 'no-device': 1 },
    });
  });

  it('delivery worker: a passing failure (DynamoDB throttled) hands the message back to SQS', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const ports = {
      ...local.ports,
      devices: { ...local.ports.devices, devicesOf: () => Promise.reject(throttled) },
    };
    const worker = createDeliveryWorker(() => ports);
    const job = {
      jobId: 'job-2',
      eventId: 'e',
      recipeId: 'followed-seller-new-item',
      variant: 'A',
      push: { title: 'T', body: 'B' },
      userIds: ['amy'],
    };

    const response = await worker(sqsEvent(record(JSON.stringify(job), 'j2')), localContext('delivery'));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'j2' }] });
    expect(await local.ports.outcomes.wasRecorded('job-2')).toBe(false);
  });
});
