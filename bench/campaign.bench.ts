/**
 * A campaign over a segment of users holding devices, on DynamoDB Local and fauxqs, through the
 * local runtime's real workers (campaign readers as fan-out tasks, paced holds, delivery).
 *
 * 1. Load: every user is one item of the Devices table (a phone each), BatchWriteItem in parallel.
 * 2. Audience read: the segment's parallel Scan segments read the whole table (the campaign's
 *    DeviceHolders adapter, `readers` segments at once), timed alone: users per second.
 * 3. The campaign at 50,000 pushes a second, `at` ten minutes after ops start it: its run
 *    launches at once (readers read up to 15 minutes ahead), its readers read, judge and pace
 *    the segment, every push held until its second. Reading + planning is timed alone, until
 *    every reader finished: no push is due yet. Then a manual clock moves from one release
 *    second to the next and delivery pushes each second's jobs, reserving fatigue at release:
 *    delivery is timed alone too (wall time on DynamoDB Local, not the campaign's rate). Every
 *    billable request of the run is counted by the request meter, priced from the one price
 *    table, per delivered push.
 *
 * Every hold is within SQS's 15 minutes (a million pushes at 50,000/s span 20 s, ten minutes
 * ahead): on AWS one delayed SendMessageBatch per page and release second, where the local
 * release sends a second's jobs of every page together (about 0.001 requests per push fewer). A campaign whose pushes come more than 15 minutes after its
 * reading holds those jobs with one EventBridge Scheduler schedule each: not in these figures.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCampaignStore } from '../shared/adapters/dynamodb/campaign-store.ts';
import type { DeviceHolders } from '../shared/domain/campaigns/audience.ts';
import { campaignScope } from '../shared/domain/campaigns/campaign.ts';
import { costOf, emptyUsage, type Usage, usageUnits } from '../shared/domain/costs/price-table.ts';
import { defaultApp } from '../shared/domain/push/device.ts';
import { defaultCatalog } from '../shared/domain/recipes/default-catalog.ts';
import { localCredentials, localRegion, startLocalEngines } from '../shared/local/engines.ts';
import { watchedLaunches } from '../shared/local/local-campaigns.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../shared/local/runtime.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { createCampaign, startCampaign } from '../shared/use-cases/campaign-commands.ts';
import { campaignStatus } from '../shared/use-cases/campaign-status.ts';
import { benchCampaign } from './campaign-memory.bench.ts';
import { measurePorts } from './measuring-ports.ts';

const runStart = new Date('2026-11-21T10:00:00Z');
const lastSeen = Date.parse('2026-11-20T08:00:00Z');
const READERS = 4;
const LOAD_CONCURRENCY = 32;
/** BatchWriteItem takes at most 25 items. */
const BATCH = 25;
const CAMPAIGN_ID = 'bench-winter-sale';

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1));
const perSecond = (count: number, secs: number) => Math.round(count / Math.max(secs, 0.001));

/**
 * Writes `count` users holding a phone each as Devices items (the item DynamoDbDeviceDirectory
 * writes: the user's devices in one map), `LOAD_CONCURRENCY` BatchWriteItems at a time.
 */
const loadHolders = async (runtime: LocalRuntime, doc: DynamoDBDocumentClient, count: number) => {
  const table = runtime.tableNames.Devices!;
  let next = 0;
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (next < count) {
        const from = next;
        const to = Math.min(count, from + BATCH);
        next = to;
        const items = [];
        for (let i = from; i < to; i++) {
          const userId = `user-${String(i).padStart(7, '0')}`;
          const token = `fcm-${userId}`;
          const endpointArn = await runtime.simulator.createEndpoint(defaultApp, 'FCM', token, userId);
          const device = { platform: 'FCM', token, endpointArn, enabled: true, lastSeen };
          items.push({
            PutRequest: { Item: { pk: userId, oldestSeen: lastSeen, devices: { [`d-${userId}`]: device } } },
          });
        }
        let request: Record<string, (typeof items)[number][]> | undefined = { [table]: items };
        while (request && Object.keys(request).length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
          request = out.UnprocessedItems as typeof request;
        }
      }
    }),
  );
};

/** Reads the whole segment with `readers` parallel Scan segments; returns the users read. */
const readSegment = async (holders: DeviceHolders, readers: number): Promise<number> => {
  const counts = await Promise.all(
    Array.from({ length: readers }, async (_, index) => {
      let after: string | undefined;
      let read = 0;
      do {
        const page = await holders.holders({ index, total: readers }, after, 1000);
        read += page.holders.length;
        after = page.next;
      } while (after !== undefined);
      return read;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
};

const diffUsage = (after: Usage, before: Usage): Usage => {
  const usage = emptyUsage();
  for (const unit of usageUnits) usage[unit] = after[unit] - before[unit];
  return usage;
};

export interface CampaignBenchResult {
  readonly audience: number;
  readonly readers: number;
  readonly rate: number;
  readonly load: { readonly seconds: number; readonly usersPerSec: number };
  /** The Scan segments alone reading the whole segment. */
  readonly audienceRead: {
    readonly seconds: number;
    readonly usersPerSec: number;
    readonly readUnitsPer1000Users: number;
  };
  /** Campaign start until every reader finished reading, judging, pacing and packing (no push due yet). */
  readonly readingAndPlanning: { readonly seconds: number; readonly usersPerSec: number };
  /** First release second until the last push, holds released on a manual clock (wall time on DynamoDB Local). */
  readonly delivery: { readonly seconds: number; readonly pushesPerSec: number };
  /** Campaign start until the last push. */
  readonly campaign: {
    readonly seconds: number;
    readonly releaseSeconds: number;
    readonly status: string;
    readonly planned: number;
    readonly delivered: number;
    readonly suppressed: Record<string, number>;
    readonly failed: Record<string, number>;
  };
  readonly requestsPerDeliveredPush: number;
  readonly targetRequestsPerDeliveredPush: 2.2;
  readonly requestMix: Record<string, number>;
  readonly costPerMillionUsd: number;
  readonly costPerMillionByService: Record<string, number>;
  readonly fatigueWritesPerRecipient: number;
  /** Delivery jobs the readers packed (one per reader, page and release second, 500 at most), and their mean size. */
  readonly jobs: number;
  readonly recipientsPerJob: number;
  readonly largestCheckpointBytes: { readonly fanout: number; readonly delivery: number };
}

/** A campaign over `audience` segment users (default a million) at `rate` pushes a second (default 50,000). */
export async function benchCampaignRun(
  options: { audience?: number; rate?: number } = {},
): Promise<CampaignBenchResult> {
  const audience = options.audience ?? 1_000_000;
  const engines = await startLocalEngines();
  const clock = new ManualClock(runStart);
  const runtime = await startLocalRuntime({ engines, clock, catalog: defaultCatalog() });
  // Unmetered: the bench's own loading and watching are not the campaign's requests.
  const client = new DynamoDBClient({
    region: localRegion,
    credentials: localCredentials,
    endpoint: engines.dynamodbEndpoint,
  });
  const doc = DynamoDBDocumentClient.from(client);
  try {
    const { ports } = runtime;
    const meter = measurePorts(ports);
    let started = performance.now();
    await loadHolders(runtime, doc, audience);
    const loadSeconds = seconds(started);

    const unitsBefore = requestMeter.total().dynamodbReadUnits;
    started = performance.now();
    const read = await readSegment(ports.deviceHolders!, READERS);
    const readSeconds = seconds(started);
    // The canary's phone is in the table too.
    if (read !== audience + 1) throw new Error(`the Scan read ${read} users of ${audience + 1}`);
    const readUnits = requestMeter.total().dynamodbReadUnits - unitsBefore;

    const firstPush = new Date(runStart.getTime() + 10 * 60_000);
    const campaign = benchCampaign(CAMPAIGN_ID, READERS, options.rate, firstPush);
    const scope = campaignScope(CAMPAIGN_ID);
    const mixBefore = new Map(requestMeter.requests);
    const usageBefore = requestMeter.total();
    const lambdaBefore = runtime.lambdaUsage();
    const publishesBefore = runtime.simulator.publishes;
    const measures = meter.phase();
    const deps = {
      campaigns: ports.campaigns!,
      clock,
      launches: watchedLaunches,
      fanout: ports.fanout,
      relations: ports.relations,
    };
    started = performance.now();
    await requestMeter.within(scope, async () => {
      await createCampaign(campaign, 'bench', deps);
      await startCampaign(CAMPAIGN_ID, 'bench', deps);
    });
    const watch = new DynamoDbCampaignStore(doc, runtime.tableNames.Campaigns!);
    while ((await watch.finishedReaders(CAMPAIGN_ID, 'r1')) < READERS)
      await new Promise((r) => setTimeout(r, 50));
    const readingSeconds = seconds(started);
    await runtime.drain(3_600_000);
    const deliveryStarted = performance.now();
    let releaseSeconds = 0;
    for (let next = runtime.holds.nextRelease(); next; next = runtime.holds.nextRelease()) {
      clock.advanceTo(next);
      // On AWS the hold is a delayed SQS message the fan-out sent: its request is the campaign's.
      await requestMeter.within(scope, () => runtime.releaseDueHolds());
      await runtime.drain(3_600_000);
      releaseSeconds++;
    }
    const campaignSeconds = seconds(started);
    const deliverySeconds = seconds(deliveryStarted);

    const publishes = runtime.simulator.publishes - publishesBefore;
    const lambdaAfter = runtime.lambdaUsage();
    const usage = {
      ...diffUsage(requestMeter.total(), usageBefore),
      lambdaInvocations: lambdaAfter.lambdaInvocations - lambdaBefore.lambdaInvocations,
      lambdaGbSeconds: lambdaAfter.lambdaGbSeconds - lambdaBefore.lambdaGbSeconds,
    };
    const requestMix: Record<string, number> = {};
    for (const [key, count] of requestMeter.requests) {
      const added = count - (mixBefore.get(key) ?? 0);
      if (added > 0) requestMix[key] = added;
    }
    // The local runtime's drain asks the queues how many messages wait, once per poll: nothing
    // on AWS does (the event source mappings receive), so those are not the campaign's.
    const watching = requestMix['sqs:GetQueueAttributes'] ?? 0;
    delete requestMix['sqs:GetQueueAttributes'];
    usage.sqsRequests -= watching;
    requestMix['sns:Publish'] = publishes;
    requestMix['lambda:Invoke'] = Math.round(usage.lambdaInvocations);
    const progress = await campaignStatus(CAMPAIGN_ID, {
      ...deps,
      outcomes: ports.outcomes,
      holds: ports.holds,
      delivery: ports.delivery,
    });
    const { delivered } = progress;
    const perMillion = (usd: number) => Number(((usd / delivered) * 1e6).toFixed(4));
    const cost = costOf(usage);
    const total = Object.values(requestMix).reduce((a, b) => a + b, 0);
    return {
      audience,
      readers: READERS,
      rate: campaign.rate,
      load: { seconds: loadSeconds, usersPerSec: perSecond(audience, loadSeconds) },
      audienceRead: {
        seconds: readSeconds,
        usersPerSec: perSecond(audience, readSeconds),
        readUnitsPer1000Users: Number(((readUnits / audience) * 1000).toFixed(2)),
      },
      readingAndPlanning: { seconds: readingSeconds, usersPerSec: perSecond(audience, readingSeconds) },
      delivery: { seconds: deliverySeconds, pushesPerSec: perSecond(delivered, deliverySeconds) },
      campaign: {
        seconds: campaignSeconds,
        releaseSeconds,
        status: progress.status,
        planned: progress.planned,
        delivered,
        suppressed: { ...progress.suppressed },
        failed: { ...progress.failed },
      },
      requestsPerDeliveredPush: Number((total / delivered).toFixed(3)),
      targetRequestsPerDeliveredPush: 2.2,
      requestMix,
      costPerMillionUsd: perMillion(cost.total),
      costPerMillionByService: Object.fromEntries(
        Object.entries(cost.byService).map(([service, usd]) => [service, perMillion(usd)]),
      ),
      fatigueWritesPerRecipient: Number(
        ((measures.fatigue.reserves + measures.fatigue.releases) / delivered).toFixed(3),
      ),
      jobs: measures.outbox.items,
      recipientsPerJob: Math.round(progress.planned / Math.max(1, measures.outbox.items)),
      largestCheckpointBytes: {
        fanout: measures.fanout.largestItemBytes,
        delivery: measures.delivery.largestItemBytes,
      },
    };
  } finally {
    client.destroy();
    await runtime.stop();
    await engines.stop();
  }
}

if (import.meta.main) {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const flag = (name: string) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : Number(process.argv[at + 1]);
  };
  const audience = flag('--audience');
  const rate = flag('--rate');
  console.log(
    JSON.stringify(
      await benchCampaignRun({ ...(audience ? { audience } : {}), ...(rate ? { rate } : {}) }),
      null,
      2,
    ),
  );
}
