/**
 * The whole pipeline on DynamoDB Local and fauxqs: one listing by a seller with a large following,
 * through the local bus, planner, fan-out and delivery workers, to the device simulator. Every
 * AWS request is counted by the SDK middleware in the units AWS bills, then priced.
 */
import { costOf, type Usage } from '../shared/domain/costs/price-table.ts';
import { deviceIdOf } from '../shared/domain/push/device.ts';
import { startLocalEngines } from '../shared/local/engines.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { startLocalRuntime } from '../shared/local/runtime.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';

const AUDIENCE = 20_000;
const LOAD_CONCURRENCY = 64;
const instant = new Date('2026-11-21T10:00:00Z');

const inParallel = async (count: number, work: (i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
};

export interface PipelineBenchResult {
  readonly audience: number;
  readonly delivered: number;
  readonly requestsPerDeliveredPush: number;
  readonly requestMix: Record<string, number>;
  readonly costPerMillionUsd: number;
  readonly costPerMillionByService: Record<string, number>;
  readonly seconds: number;
}

const requestsOf = (usage: Usage, awsRequests: number) =>
  awsRequests + usage.snsPublishes + usage.lambdaInvocations + usage.eventBridgeEvents;

/** One listing to 20,000 followers, each with a phone: requests and cost per delivered push. */
export async function benchPipeline(): Promise<PipelineBenchResult> {
  const engines = await startLocalEngines();
  const runtime = await startLocalRuntime({ engines, clock: new ManualClock(instant) });
  try {
    const { ports } = runtime;
    await inParallel(AUDIENCE, async (i) => {
      const userId = `user-${String(i).padStart(6, '0')}`;
      const token = `fcm-token-${userId}`;
      await ports.relations.apply({
        kind: 'put',
        relation: { type: 'follow', from: userId, to: 'seller-big', since: instant },
      });
      const endpointArn = await ports.gateway.createEndpoint('FCM', token, userId);
      await ports.devices.save(userId, {
        deviceId: await deviceIdOf('FCM', token),
        platform: 'FCM',
        token,
        endpointArn,
        enabled: true,
        lastSeen: instant,
      });
    });

    // Only the pipeline's own requests count from here.
    const before = requestMeter.total();
    const requestsBefore = [...requestMeter.requests.values()].reduce((a, b) => a + b, 0);
    const mixBefore = new Map(requestMeter.requests);
    const lambdaBefore = runtime.lambdaUsage();
    const started = performance.now();
    runtime.bus.putEvents([
      {
        Source: 'market.items',
        DetailType: 'ItemListed',
        Detail: JSON.stringify({
          itemId: 'item-1',
          sellerId: 'seller-big',
          title: 'Oak chair',
          price: 45,
          currency: 'EUR',
        }),
        Time: instant,
      },
    ]);
    await runtime.drain(600_000);
    const seconds = (performance.now() - started) / 1000;

    const after = requestMeter.total();
    const lambda = runtime.lambdaUsage();
    const usage: Usage = {
      snsPublishes: runtime.simulator.received.length,
      sqsRequests: after.sqsRequests - before.sqsRequests,
      dynamodbWriteUnits: after.dynamodbWriteUnits - before.dynamodbWriteUnits,
      dynamodbReadUnits: after.dynamodbReadUnits - before.dynamodbReadUnits,
      lambdaInvocations: lambda.lambdaInvocations - lambdaBefore.lambdaInvocations,
      lambdaGbSeconds: lambda.lambdaGbSeconds - lambdaBefore.lambdaGbSeconds,
      eventBridgeEvents: 1,
    };
    const awsRequests = [...requestMeter.requests.values()].reduce((a, b) => a + b, 0) - requestsBefore;
    const delivered = (await ports.outcomes.summary())['followed-seller-new-item']?.delivered ?? 0;
    const requestMix = Object.fromEntries(
      [...requestMeter.requests]
        .map(([k, v]) => [k, v - (mixBefore.get(k) ?? 0)])
        .filter(([, v]) => Number(v) > 0),
    );
    const cost = costOf(usage);
    const perMillion = (usd: number) => Number(((usd / delivered) * 1e6).toFixed(4));
    return {
      audience: AUDIENCE,
      delivered,
      requestsPerDeliveredPush: Number((requestsOf(usage, awsRequests) / delivered).toFixed(3)),
      requestMix: {
        ...requestMix,
        'sns:Publish': usage.snsPublishes,
        'lambda:Invoke': usage.lambdaInvocations,
        'events:PutEvents': 1,
      },
      costPerMillionUsd: perMillion(cost.total),
      costPerMillionByService: Object.fromEntries(
        Object.entries(cost.byService).map(([k, v]) => [k, perMillion(v)]),
      ),
      seconds: Number(seconds.toFixed(1)),
    };
  } finally {
    await runtime.stop();
    await engines.stop();
  }
}

if (import.meta.main) console.log(await benchPipeline());
