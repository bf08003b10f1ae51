/**
 * The whole pipeline on DynamoDB Local and fauxqs: a seller with 20,000 followers lists an item,
 * and an item half of them favorited drops its price. Both events go through the local bus,
 * planner, fan-out and delivery workers to the device simulator. Every AWS request is counted by
 * the SDK middleware in the units AWS bills, attributed to its recipe, then priced.
 */
import { addUsage, costOf, emptyUsage, type Usage } from '../shared/domain/costs/price-table.ts';
import { deviceIdOf } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
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

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const perMillion = (usd: number, pushes: number) => Number(((usd / pushes) * 1e6).toFixed(4));

export interface PipelineBenchResult {
  readonly audience: number;
  readonly delivered: number;
  readonly requestsPerDeliveredPush: number;
  readonly requestMix: Record<string, number>;
  readonly costPerMillionUsd: number;
  readonly costPerMillionByService: Record<string, number>;
  readonly costPerMillionByBusiness: Record<string, number>;
  readonly seconds: number;
}

/** Two events to 20,000 and 10,000 followers with a phone each: requests and cost per delivered push. */
export async function benchPipeline(): Promise<PipelineBenchResult> {
  const engines = await startLocalEngines();
  const runtime = await startLocalRuntime({ engines, clock: new ManualClock(instant) });
  try {
    const { ports } = runtime;
    await inParallel(AUDIENCE, async (i) => {
      const userId = `user-${String(i).padStart(6, '0')}`;
      const token = `fcm-token-${userId}`;
      const since = instant;
      await ports.relations.apply({
        kind: 'put',
        relation: { type: 'follow', from: userId, to: 'seller-big', since },
      });
      if (i % 2 === 0) {
        await ports.relations.apply({
          kind: 'put',
          relation: { type: 'favorite', from: userId, to: 'item-1', since },
        });
      }
      const endpointArn = await ports.gateway.createEndpoint('FCM', token, userId);
      const deviceId = await deviceIdOf('FCM', token);
      await ports.devices.save(userId, {
        deviceId,
        platform: 'FCM',
        token,
        endpointArn,
        enabled: true,
        lastSeen: since,
      });
    });

    // Only the pipeline's own requests count from here.
    const recipes = defaultCatalog().recipes;
    const usageBefore = new Map(recipes.map((r) => [r.id, requestMeter.usageOf(r.id)]));
    const mixBefore = new Map(requestMeter.requests);
    const lambdaBefore = runtime.lambdaUsage();
    const started = performance.now();
    const detail = { itemId: 'item-1', sellerId: 'seller-big', title: 'Oak chair', currency: 'EUR' };
    runtime.bus.putEvents([
      {
        Source: 'market.items',
        DetailType: 'ItemListed',
        Detail: JSON.stringify({ ...detail, price: 45 }),
        Time: instant,
      },
      {
        Source: 'market.items',
        DetailType: 'PriceDropped',
        Detail: JSON.stringify({ ...detail, oldPrice: 45, newPrice: 39 }),
        Time: instant,
      },
    ]);
    await runtime.drain(600_000);
    const seconds = (performance.now() - started) / 1000;

    const outcomes = await ports.outcomes.summary();
    const lambda = runtime.lambdaUsage();
    const delivered = sum(recipes.map((r) => outcomes[r.id]?.delivered ?? 0));
    const lambdaShare = (pushes: number): Partial<Usage> => ({
      lambdaInvocations: ((lambda.lambdaInvocations - lambdaBefore.lambdaInvocations) * pushes) / delivered,
      lambdaGbSeconds: ((lambda.lambdaGbSeconds - lambdaBefore.lambdaGbSeconds) * pushes) / delivered,
    });
    // Each recipe's own requests, its pushes (one phone per recipient), and its share of Lambda.
    const byRecipe = recipes
      .map((recipe) => {
        const pushes = outcomes[recipe.id]?.delivered ?? 0;
        const before = usageBefore.get(recipe.id) ?? emptyUsage();
        const own = requestMeter.usageOf(recipe.id);
        const usage = addUsage(
          {
            ...emptyUsage(),
            sqsRequests: own.sqsRequests - before.sqsRequests,
            dynamodbWriteUnits: own.dynamodbWriteUnits - before.dynamodbWriteUnits,
            dynamodbReadUnits: own.dynamodbReadUnits - before.dynamodbReadUnits,
          },
          { snsPublishes: pushes, eventBridgeEvents: 1, ...lambdaShare(pushes) },
        );
        return { recipe, pushes, usage };
      })
      .filter((r) => r.pushes > 0);
    const total = byRecipe.reduce((a, r) => addUsage(a, r.usage), emptyUsage());
    const cost = costOf(total);

    const requestMix: Record<string, number> = {};
    for (const [key, count] of requestMeter.requests) {
      if (count > (mixBefore.get(key) ?? 0)) requestMix[key] = count - (mixBefore.get(key) ?? 0);
    }
    requestMix['sns:Publish'] = total.snsPublishes;
    requestMix['lambda:Invoke'] = Math.round(total.lambdaInvocations);
    requestMix['events:PutEvents'] = total.eventBridgeEvents;
    return {
      audience: AUDIENCE,
      delivered,
      requestsPerDeliveredPush: Number((sum(Object.values(requestMix)) / delivered).toFixed(3)),
      requestMix,
      costPerMillionUsd: perMillion(cost.total, delivered),
      costPerMillionByService: Object.fromEntries(
        Object.entries(cost.byService).map(([service, usd]) => [service, perMillion(usd, delivered)]),
      ),
      costPerMillionByBusiness: Object.fromEntries(
        byRecipe.map((r) => [r.recipe.business, perMillion(costOf(r.usage).total, r.pushes)]),
      ),
      seconds: Number(seconds.toFixed(1)),
    };
  } finally {
    await runtime.stop();
    await engines.stop();
  }
}

if (import.meta.main) console.log(await benchPipeline());
