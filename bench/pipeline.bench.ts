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
 *
 * The message log is measured the same way: every append as FirehoseMessageLog would send it
 * (requests, Firehose records, NDJSON bytes and bytes as Firehose bills them), then compressed
 * with GZIP object by object as Firehose writes S3, and priced: ingestion, storage and PUTs, and
 * one Athena trace query over a day's log.
 */
import { gzipSync } from 'node:zlib';
import {
  addUsage,
  athenaBillableBytes,
  costOf,
  emptyUsage,
  GB,
  prices,
  recipeUsage,
  TB,
  type Usage,
} from '../shared/domain/costs/price-table.ts';
import { defaultApp, deviceIdOf } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import { type Recipe, RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { type LocalEngines, startLocalEngines } from '../shared/local/engines.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../shared/local/runtime.ts';
import { logger } from '../shared/observability/logger.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { type MessageLogMeasures, measurePorts, type PhaseMeasures } from './measuring-ports.ts';

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

/** Firehose flushes its buffer to S3 at 5 MiB of incoming (uncompressed) data or after 60 s. */
const FIREHOSE_BUFFER_BYTES = 5 * 1024 ** 2;

export interface MessageLogFigures {
  /** Firehose requests (PutRecord, PutRecordBatch past 1,000 KiB) per delivered push; target under 0.01. */
  readonly requestsPerDeliveredPush: number;
  /** Message records (steps, NDJSON lines) per delivered push. */
  readonly recordsPerDeliveredPush: number;
  /** Firehose records per delivered push (one per append unless a batch is cut). */
  readonly firehoseRecordsPerDeliveredPush: number;
  readonly appends: number;
  readonly requests: number;
  readonly firehoseRecords: number;
  readonly messageRecords: number;
  /** NDJSON bytes sent; the mean and largest Firehose record. */
  readonly bytes: number;
  readonly meanRecordBytes: number;
  readonly largestRecordBytes: number;
  /** Bytes as Firehose bills them (each record rounded up to 5 KB) over the bytes sent. */
  readonly billedOverActualBytes: number;
  /** GZIP'd bytes over NDJSON bytes, each 5 MiB buffer compressed on its own as Firehose writes S3. */
  readonly gzipRatio: number;
  /** Per million delivered pushes: NDJSON, billed and GZIP'd bytes, and S3 objects (5 MiB buffers). */
  readonly perMillion: { bytes: number; billedBytes: number; gzipBytes: number; s3Objects: number };
  /** USD per million delivered pushes; `s3StoragePerMonth` for each month the records are kept. */
  readonly costPerMillionUsd: {
    readonly firehose: number;
    readonly s3StoragePerMonth: number;
    readonly s3Puts: number;
    readonly s3: number;
    /** One `trace` over a day that logged a million delivered pushes (scans the day's GZIP objects). */
    readonly athenaTraceQuery: number;
    /** Firehose, a month of S3 and one trace query. */
    readonly total: number;
  };
  /** One trace query over the log of this run's own traffic, as one day: bytes scanned and USD. */
  readonly traceOfThisRun: { scannedBytes: number; billedBytes: number; usd: number };
}

/** GZIP'd size of the NDJSON, cut into the 5 MiB objects Firehose would write. */
const gzipBytesOf = (ndjson: readonly Uint8Array[]): number => {
  let total = 0;
  let object: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    total += gzipSync(Buffer.concat(object, size)).length;
    object = [];
    size = 0;
  };
  for (const piece of ndjson) {
    if (size + piece.length > FIREHOSE_BUFFER_BYTES) flush();
    object.push(piece);
    size += piece.length;
  }
  flush();
  return total;
};

const usd = (value: number) => Number(value.toPrecision(4));

/** Requests, records, bytes and cost of the message log per delivered push (and per million). */
const messageLogFiguresOf = (log: MessageLogMeasures, delivered: number): MessageLogFigures => {
  const gzipBytes = gzipBytesOf(log.ndjson);
  const perPush = (n: number) => n / delivered;
  const perMillion = {
    bytes: Math.round(perPush(log.bytes) * 1e6),
    billedBytes: Math.round(perPush(log.billedBytes) * 1e6),
    gzipBytes: Math.round(perPush(gzipBytes) * 1e6),
    s3Objects: Number(((perPush(log.bytes) * 1e6) / FIREHOSE_BUFFER_BYTES).toFixed(2)),
  };
  const firehose = (perMillion.billedBytes / GB) * prices.firehoseIngestionGb;
  const s3StoragePerMonth = (perMillion.gzipBytes / GB) * prices.s3StorageGbMonth;
  const s3Puts = perMillion.s3Objects * prices.s3PutRequest;
  const athenaTraceQuery = (athenaBillableBytes(perMillion.gzipBytes) / TB) * prices.athenaScannedTb;
  const ownTrace = athenaBillableBytes(gzipBytes);
  return {
    requestsPerDeliveredPush: Number(perPush(log.requests).toFixed(4)),
    recordsPerDeliveredPush: Number(perPush(log.messageRecords).toFixed(3)),
    firehoseRecordsPerDeliveredPush: Number(perPush(log.firehoseRecords).toFixed(4)),
    appends: log.appends,
    requests: log.requests,
    firehoseRecords: log.firehoseRecords,
    messageRecords: log.messageRecords,
    bytes: log.bytes,
    meanRecordBytes: Math.round(log.bytes / Math.max(1, log.firehoseRecords)),
    largestRecordBytes: log.largestRecordBytes,
    billedOverActualBytes: Number((log.billedBytes / Math.max(1, log.bytes)).toFixed(3)),
    gzipRatio: Number((gzipBytes / Math.max(1, log.bytes)).toFixed(4)),
    perMillion,
    costPerMillionUsd: {
      firehose: usd(firehose),
      s3StoragePerMonth: usd(s3StoragePerMonth),
      s3Puts: usd(s3Puts),
      s3: usd(s3StoragePerMonth + s3Puts),
      athenaTraceQuery: usd(athenaTraceQuery),
      total: usd(firehose + s3StoragePerMonth + s3Puts + athenaTraceQuery),
    },
    traceOfThisRun: {
      scannedBytes: gzipBytes,
      billedBytes: ownTrace,
      usd: usd((ownTrace / TB) * prices.athenaScannedTb),
    },
  };
};

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
  /** What the message log sends to Firehose for this phase, and what it costs. */
  readonly messageLog: MessageLogFigures;
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
  const lambdaShare = (pushes: number) => ({
    lambdaInvocations: ((lambda.lambdaInvocations - before.lambda.lambdaInvocations) * pushes) / delivered,
    lambdaGbSeconds: ((lambda.lambdaGbSeconds - before.lambda.lambdaGbSeconds) * pushes) / delivered,
  });
  const byRecipe = recipes
    .map((recipe) => {
      const pushes = outcomes[recipe.id]?.delivered ?? 0;
      const start = before.usage.get(recipe.id) ?? emptyUsage();
      const usage = recipeUsage(requestMeter.usageOf(recipe.id), start, pushes, lambdaShare(pushes));
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
  const { fanout, delivery, outbox, fatigue, messageLog } = before.measures;
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
    messageLog: messageLogFiguresOf(messageLog, delivered),
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
    const endpointArn = await ports.gateway.createEndpoint(defaultApp, 'FCM', token, userId);
    const deviceId = await deviceIdOf('FCM', token);
    await ports.devices.save(userId, {
      deviceId,
      app: defaultApp,
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
  // As in run.ts: stdout is the JSON's (the logger is made by now, so its level stays INFO).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  logger.writeToStderr();
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
