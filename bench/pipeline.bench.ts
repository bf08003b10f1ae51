/**
 * The whole pipeline on DynamoDB Local and fauxqs: a seller with 20,000 followers lists an item,
 * and an item half of them favorited drops its price. Both events go through the local bus,
 * planner, fan-out and delivery workers to the device simulator. Every AWS request is counted by
 * the SDK middleware in the units AWS bills, attributed to its recipe, then priced.
 *
 * Then a personalised push (`{{recipient.id}}`) to the followers of another seller, spread over
 * time zones where it is night: every page splits into one held job per release instant, and
 * each job is rendered per recipient when its hold ends. The largest fan-out and delivery
 * checkpoints and outbox items of both runs are measured by decorators on the ports
 * (measuring-ports.ts), as DynamoDB sizes an item.
 */
import { addUsage, costOf, emptyUsage, type Usage } from '../shared/domain/costs/price-table.ts';
import { deviceIdOf } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import { type Recipe, RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { type LocalEngines, startLocalEngines } from '../shared/local/engines.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../shared/local/runtime.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { measurePorts, type PhaseMeasures } from './measuring-ports.ts';

const AUDIENCE = 20_000;
/** Followers of the night seller, each with a profile in one of NIGHT_ZONES and a phone. */
const NIGHT_AUDIENCE = 6_000;
const LOAD_CONCURRENCY = 64;
const instant = new Date('2026-11-21T10:00:00Z');

/**
 * Zones where 10:00 UTC falls in the default quiet hours (22:00 to 08:00): fifteen UTC offsets
 * whose 08:00 comes at thirteen different instants, so a page of 1,000 followers packs thirteen
 * held jobs.
 */
const NIGHT_ZONES = [
  'Pacific/Midway',
  'Pacific/Honolulu',
  'Pacific/Marquesas',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Vancouver',
  'America/Denver',
  'America/Phoenix',
  'America/Chicago',
  'America/Mexico_City',
  'America/New_York',
  'America/Bogota',
  'America/Lima',
  'America/Halifax',
  'America/Caracas',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'Asia/Kamchatka',
  'Pacific/Fiji',
  'Pacific/Auckland',
  'Pacific/Tongatapu',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
];

const nightRecipe = {
  id: 'bench-night-personal-item',
  description: 'Benchmark only: a personalised push to the followers of a seller, most of them asleep.',
  trigger: { source: 'market.items', detailType: 'ItemListed' },
  audience: [{ relation: 'follow', targetField: 'sellerId' }],
  business: 'listings',
  category: 'new-items',
  senderField: 'sellerId',
  push: {
    title: 'New from a seller you follow',
    body: '{{detail.title}} for you, {{recipient.id}}: {{detail.price}} {{detail.currency}}',
    deepLink: 'market://items/{{detail.itemId}}',
  },
} as const;

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
const ratio = (n: number, d: number) => Number((n / d).toFixed(3));

export interface CheckpointBytes {
  /** The largest fan-out lease item (`fanout#<taskId>`, checkpoint included), bytes as DynamoDB counts them. */
  readonly fanout: number;
  /** The largest delivery lease item (`delivery#<jobId>`). */
  readonly delivery: number;
}

export interface PhaseFigures {
  readonly audience: number;
  readonly delivered: number;
  readonly requestsPerDeliveredPush: number;
  readonly requestMix: Record<string, number>;
  readonly costPerMillionUsd: number;
  readonly costPerMillionByService: Record<string, number>;
  /** Fatigue writes (reservations and give-backs, one conditional UpdateItem each) per delivered push. */
  readonly fatigueWritesPerRecipient: number;
  readonly largestCheckpointBytes: CheckpointBytes;
  /** The same checkpoints as JSON text, the `checkpoint` attribute alone. */
  readonly largestCheckpointJsonBytes: CheckpointBytes;
  readonly checkpointWrites: CheckpointBytes;
  /** The largest job kept in the outbox (`outbox#<jobId>`), bytes as DynamoDB counts them. */
  readonly largestOutboxItemBytes: number;
  readonly seconds: number;
}

export interface PipelineBenchResult extends PhaseFigures {
  readonly costPerMillionByBusiness: Record<string, number>;
  /** The personalised push to followers asleep in many time zones, held and released. */
  readonly nightPersonalised: PhaseFigures & {
    readonly zones: number;
    readonly releaseInstants: number;
    readonly heldJobs: number;
  };
}

interface Snapshot {
  readonly usage: Map<string, Usage>;
  readonly mix: Map<string, number>;
  readonly lambda: { lambdaInvocations: number; lambdaGbSeconds: number };
  readonly measures: PhaseMeasures;
  readonly started: number;
}

/** Starts a measured phase: what the meters say now, and fresh checkpoint measures. */
const begin = (
  runtime: LocalRuntime,
  recipes: readonly Recipe[],
  meter: ReturnType<typeof measurePorts>,
): Snapshot => ({
  usage: new Map(recipes.map((r) => [r.id, requestMeter.usageOf(r.id)])),
  mix: new Map(requestMeter.requests),
  lambda: runtime.lambdaUsage(),
  measures: meter.phase(),
  started: performance.now(),
});

/**
 * Requests and cost per delivered push of a phase: each recipe's own requests, its pushes (one
 * phone per recipient) and its share of Lambda; the request mix counts every request made.
 */
const figuresOf = async (
  runtime: LocalRuntime,
  recipes: readonly Recipe[],
  before: Snapshot,
  audience: number,
) => {
  const seconds = (performance.now() - before.started) / 1000;
  const outcomes = await runtime.ports.outcomes.summary();
  const lambda = runtime.lambdaUsage();
  const delivered = sum(recipes.map((r) => outcomes[r.id]?.delivered ?? 0));
  const lambdaShare = (pushes: number): Partial<Usage> => ({
    lambdaInvocations: ((lambda.lambdaInvocations - before.lambda.lambdaInvocations) * pushes) / delivered,
    lambdaGbSeconds: ((lambda.lambdaGbSeconds - before.lambda.lambdaGbSeconds) * pushes) / delivered,
  });
  const byRecipe = recipes
    .map((recipe) => {
      const pushes = outcomes[recipe.id]?.delivered ?? 0;
      const start = before.usage.get(recipe.id) ?? emptyUsage();
      const own = requestMeter.usageOf(recipe.id);
      const usage = addUsage(
        {
          ...emptyUsage(),
          sqsRequests: own.sqsRequests - start.sqsRequests,
          dynamodbWriteUnits: own.dynamodbWriteUnits - start.dynamodbWriteUnits,
          dynamodbReadUnits: own.dynamodbReadUnits - start.dynamodbReadUnits,
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
    if (count > (before.mix.get(key) ?? 0)) requestMix[key] = count - (before.mix.get(key) ?? 0);
  }
  requestMix['sns:Publish'] = total.snsPublishes;
  requestMix['lambda:Invoke'] = Math.round(total.lambdaInvocations);
  requestMix['events:PutEvents'] = total.eventBridgeEvents;
  const { fanout, delivery, outbox, fatigue } = before.measures;
  const figures: PhaseFigures = {
    audience,
    delivered,
    requestsPerDeliveredPush: ratio(sum(Object.values(requestMix)), delivered),
    requestMix,
    costPerMillionUsd: perMillion(cost.total, delivered),
    costPerMillionByService: Object.fromEntries(
      Object.entries(cost.byService).map(([service, usd]) => [service, perMillion(usd, delivered)]),
    ),
    fatigueWritesPerRecipient: ratio(fatigue.reserves + fatigue.releases, delivered),
    largestCheckpointBytes: { fanout: fanout.largestItemBytes, delivery: delivery.largestItemBytes },
    largestCheckpointJsonBytes: {
      fanout: fanout.largestCheckpointJsonBytes,
      delivery: delivery.largestCheckpointJsonBytes,
    },
    checkpointWrites: { fanout: fanout.writes, delivery: delivery.writes },
    largestOutboxItemBytes: outbox.largestItemBytes,
    seconds: Number(seconds.toFixed(1)),
  };
  return { figures, byRecipe };
};

/** Loads followers of `sellerId` with a phone each (and a profile in `timeZoneOf`, when given). */
const loadFollowers = async (
  ports: HeraldPorts,
  count: number,
  prefix: string,
  follow: (i: number) => { to: string; favorite?: string }[],
  timeZoneOf?: (i: number) => string,
) =>
  inParallel(count, async (i) => {
    const userId = `${prefix}-${String(i).padStart(6, '0')}`;
    const token = `fcm-token-${userId}`;
    const since = instant;
    for (const { to, favorite } of follow(i)) {
      await ports.relations.apply({ kind: 'put', relation: { type: 'follow', from: userId, to, since } });
      if (favorite) {
        await ports.relations.apply({
          kind: 'put',
          relation: { type: 'favorite', from: userId, to: favorite, since },
        });
      }
    }
    if (timeZoneOf) await ports.users.save({ id: userId, timeZone: timeZoneOf(i), flags: [], optOuts: [] });
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

/** A runtime of its own on `engines` for `work`, measured from before its first event. */
const withRuntime = async <T>(
  engines: LocalEngines,
  clock: ManualClock,
  catalog: RecipeCatalog,
  work: (runtime: LocalRuntime, meter: ReturnType<typeof measurePorts>) => Promise<T>,
): Promise<T> => {
  const runtime = await startLocalRuntime({ engines, clock, catalog });
  try {
    // Before any event: the handlers read their ports when invoked.
    return await work(runtime, measurePorts(runtime.ports));
  } finally {
    await runtime.stop();
  }
};

/**
 * Two events to 20,000 and 10,000 followers with a phone each: requests and cost per delivered
 * push. Then the personalised night run, on a runtime of its own (a catalog of that one recipe)
 * once the first has stopped, so that neither run's requests count in the other's.
 */
export async function benchPipeline(
  options: { audience?: number; nightAudience?: number } = {},
): Promise<PipelineBenchResult> {
  const audience = options.audience ?? AUDIENCE;
  const nightAudience = options.nightAudience ?? NIGHT_AUDIENCE;
  const engines = await startLocalEngines();
  try {
    const main = await withRuntime(
      engines,
      new ManualClock(instant),
      defaultCatalog(),
      async (runtime, meter) => {
        await loadFollowers(runtime.ports, audience, 'user', (i) => [
          { to: 'seller-big', ...(i % 2 === 0 ? { favorite: 'item-1' } : {}) },
        ]);
        // Only the pipeline's own requests count from here.
        const recipes = runtime.ports.catalog.recipes;
        const before = begin(runtime, recipes, meter);
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
        return figuresOf(runtime, recipes, before, audience);
      },
    );

    // The night run: held at fan-out, released instant by instant as the clock moves on.
    const clock = new ManualClock(instant);
    const catalog = new RecipeCatalog([nightRecipe]);
    const night = await withRuntime(engines, clock, catalog, async (runtime, meter) => {
      await loadFollowers(
        runtime.ports,
        nightAudience,
        'night',
        () => [{ to: 'seller-night' }],
        (i) => NIGHT_ZONES[i % NIGHT_ZONES.length]!,
      );
      const recipe = catalog.get(nightRecipe.id);
      const before = begin(runtime, [recipe], meter);
      runtime.bus.putEvents([
        {
          Source: nightRecipe.trigger.source,
          DetailType: nightRecipe.trigger.detailType,
          Detail: JSON.stringify({
            itemId: 'item-2',
            sellerId: 'seller-night',
            title: 'Walnut desk',
            price: 120,
            currency: 'EUR',
          }),
          Time: instant,
        },
      ]);
      await runtime.drain(600_000);
      const heldJobs = runtime.holds.history.length;
      let releaseInstants = 0;
      for (let next = runtime.holds.nextRelease(); next; next = runtime.holds.nextRelease()) {
        clock.advanceTo(next);
        // On AWS the hold's schedule sends the job: its request is the recipe's.
        await requestMeter.within(recipe.id, () => runtime.releaseDueHolds());
        await runtime.drain(600_000);
        releaseInstants++;
      }
      const { figures } = await figuresOf(runtime, [recipe], before, nightAudience);
      return { ...figures, zones: NIGHT_ZONES.length, releaseInstants, heldJobs };
    });

    return {
      ...main.figures,
      costPerMillionByBusiness: Object.fromEntries(
        main.byRecipe.map((r) => [r.recipe.business, perMillion(costOf(r.usage).total, r.pushes)]),
      ),
      nightPersonalised: night,
    };
  } finally {
    await engines.stop();
  }
}

if (import.meta.main) {
  const size = (flag: string) => {
    const at = process.argv.indexOf(flag);
    return at < 0 ? undefined : Number(process.argv[at + 1]);
  };
  const audience = size('--audience');
  const nightAudience = size('--night-audience');
  console.log(
    JSON.stringify(
      await benchPipeline({
        ...(audience ? { audience } : {}),
        ...(nightAudience ? { nightAudience } : {}),
      }),
      null,
      2,
    ),
  );
}
