/**
 * The realistic mix, on DynamoDB Local and fauxqs: the unkind case the pipeline benchmark leaves
 * out. A hot seller followed by every user (200,000, over 16 shards, so its slices run through
 * the fan-out queue), users in 24 time zones (about ten of them asleep: held, then released as
 * the injected clock moves), 30% with two phones, 5% of endpoints disabled, 2% of publishes
 * throttled, a shared recipe and a personalised one, a week of fatigue history (some users at
 * their caps), and a target promoted from 1 to 4 shards between two of its events, whose
 * followers the slices then move. Data goes in through the bulk relation import.
 *
 * Every AWS request is counted by the SDK middleware; the relation moves and the fatigue ledger's
 * requests run in scopes of their own so that they can be read apart (and are added back to the
 * totals). `--quick` runs 3,000 users and skips the 100k latency audience.
 */
import { documentClient } from '../shared/adapters/dynamodb/document-client.ts';
import { addUsage, costOf } from '../shared/domain/costs/price-table.ts';
import { defaultRecipe } from '../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import { localCredentials, localRegion, startLocalEngines } from '../shared/local/engines.ts';
import { ManualClock } from '../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../shared/local/runtime.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { functionSizing } from '../shared/resources/functions.ts';
import { measurePorts } from './measuring-ports.ts';
import { historyOf, loadPopulation, type Population } from './realistic-data.ts';
import {
  costFloor,
  costWithProvisionedLedger,
  fatigueItemSizes,
  latencyOf,
  PROVISIONED_UTILISATION,
  usageLess,
} from './realistic-figures.ts';
import { instrument, meterSnapshot, SCOPES } from './realistic-instruments.ts';

const instant = new Date('2026-11-21T10:00:00Z');
export const FULL: Population = { users: 200_000, rising: 40_000, latency1k: 1_000, latency100k: 100_000 };
export const QUICK: Population = { users: 3_000, rising: 600, latency1k: 1_000, latency100k: 0 };
const THROTTLED_SHARE = 0.02;
const DRAIN_MS = 3_600_000;

const sharedRecipe = defaultRecipe('followed-seller-new-item');
const personalRecipe = {
  id: 'bench-personal-offer',
  description: 'Benchmark only: an offer named for each follower of a seller.',
  trigger: { source: 'market.offers', detailType: 'OfferSent' },
  audience: [{ relation: 'follow', targetField: 'sellerId' }],
  business: 'offers',
  category: 'promotions',
  senderField: 'sellerId',
  push: {
    title: 'An offer on {{detail.title}}',
    body: '{{recipient.id}}, {{detail.discountPercent}}% off, just for you',
    deepLink: 'market://items/{{detail.itemId}}',
  },
} as const;

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const perMillion = (usd: number, pushes: number) => round((usd / Math.max(1, pushes)) * 1e6, 4);

export async function benchRealisticMix(options: { quick?: boolean; users?: number } = {}) {
  const base = options.quick ? QUICK : FULL;
  // `--users N`: the full mix at another size (the 100k latency audience only when it fits).
  const population = options.users
    ? {
        ...base,
        users: options.users,
        rising: options.users / 5,
        latency100k: options.users >= 100_000 ? 100_000 : 0,
      }
    : base;
  const engines = await startLocalEngines();
  const clock = new ManualClock(instant);
  const catalog = new RecipeCatalog([sharedRecipe, personalRecipe]);
  const runtime: LocalRuntime = await startLocalRuntime({ engines, clock, catalog });
  const started = performance.now();
  try {
    const loaded = await loadPopulation(runtime, population, instant);
    const loadSeconds = round((performance.now() - started) / 1000, 1);
    runtime.simulator.injectFaults({
      disabledTokens: loaded.disabledTokens,
      throttleShare: THROTTLED_SHARE,
      seed: 7,
    });
    const meter = measurePorts(runtime.ports);
    const { moves, latency } = instrument(runtime.ports);
    const snapshot = meterSnapshot([...catalog.recipes.map((r) => r.id), ...Object.values(SCOPES)]);
    const lambdaBefore = runtime.lambdaUsage();
    const receivedBefore = runtime.simulator.received.length;
    const measures = meter.phase();
    const runStarted = performance.now();

    let events = 0;
    const send = async (source: string, detailType: string, detail: Record<string, unknown>) => {
      events++;
      latency.since = performance.now();
      runtime.bus.putEvents([
        { Source: source, DetailType: detailType, Detail: JSON.stringify(detail), Time: clock.now() },
      ]);
      await runtime.drain(DRAIN_MS);
    };
    const item = (sellerId: string, n: number) => ({
      itemId: `item-${n}`,
      sellerId,
      title: 'Walnut desk',
      price: 120,
      currency: 'EUR',
    });
    const progress = (what: string) => console.error(`bench: realistic mix: ${what}...`);
    progress(`hot seller's listing to ${population.users} followers over 16 shards`);
    await send('market.items', 'ItemListed', item('seller-hot', 1));
    progress('personalised offer to the rising seller (one shard)');
    await send('market.offers', 'OfferSent', {
      sellerId: 'seller-rising',
      itemId: 'item-2',
      title: 'Oak chair',
      discountPercent: 15,
    });
    // As a slice that found the shard over capacity would (promoteIfFull): 1 to 4 shards.
    await runtime.ports.relations.promote('follow', 'seller-rising', 4);
    progress('rising seller promoted to 4 shards: its listing, the slices move its followers');
    const movesStarted = { ...moves };
    await send('market.items', 'ItemListed', item('seller-rising', 3));
    progress('latency: a listing to 1,000 followers');
    latency.recording = true;
    latency.samples = [];
    await send('market.items', 'ItemListed', item('seller-1k', 4));
    const latency1k = latencyOf(latency.samples);
    let latency100k: ReturnType<typeof latencyOf> | undefined;
    if (population.latency100k > 0) {
      progress('latency: a listing to 100,000 followers');
      latency.samples = [];
      await send('market.items', 'ItemListed', item('seller-100k', 5));
      latency100k = latencyOf(latency.samples);
    }
    latency.recording = false;
    progress('releasing held pushes as the clock moves on');
    const heldJobs = runtime.holds.history.length;
    const heldRecipients = runtime.holds.history.reduce((n, h) => n + h.job.userIds.length, 0);
    let releaseInstants = 0;
    for (let next = runtime.holds.nextRelease(); next; next = runtime.holds.nextRelease()) {
      clock.advanceTo(next);
      const due = runtime.holds.due(next);
      // On AWS the hold's schedule sends the job: its request is the recipe's.
      await requestMeter.within(due[0]!.recipeId, () => runtime.releaseDueHolds());
      await runtime.drain(DRAIN_MS);
      releaseInstants++;
    }
    const seconds = round((performance.now() - runStarted) / 1000, 1);

    const outcomes = await runtime.ports.outcomes.summary();
    const lambda = runtime.lambdaUsage();
    const usage = addUsage(snapshot.total(), {
      lambdaInvocations: lambda.lambdaInvocations - lambdaBefore.lambdaInvocations,
      lambdaGbSeconds: lambda.lambdaGbSeconds - lambdaBefore.lambdaGbSeconds,
      eventBridgeEvents: events,
    });
    const deliveredPushes = runtime.simulator.received.length - receivedBefore;
    const deliveredRecipients = catalog.recipes.reduce((n, r) => n + (outcomes[r.id]?.delivered ?? 0), 0);
    const planned = catalog.recipes.reduce((n, r) => n + (outcomes[r.id]?.planned ?? 0), 0);
    const ledgerTable = runtime.tableNames.Ledger!;
    const tableDelta = snapshot.tableUnits;
    const allUnits = snapshot
      .tables()
      .map(tableDelta)
      .reduce((a, b) => ({ read: a.read + b.read, write: a.write + b.write }), { read: 0, write: 0 });
    const ledger = tableDelta(ledgerTable);
    const ledgerShare = {
      read: ledger.read / Math.max(1, allUnits.read),
      write: ledger.write / Math.max(1, allUnits.write),
    };
    const onDemand = costOf(usage);
    const provisioned = costWithProvisionedLedger(usage, ledgerShare);
    // The steady state: a promotion moves each account once, not once per push.
    // The moves run in the slices' invocations: their wall time is the fan-out worker's too.
    const movesUsage = addUsage(snapshot.usageOf(SCOPES.moves), {
      lambdaGbSeconds: (moves.ms / 1000) * (functionSizing.fanoutWorker.memoryMb / 1024),
    });
    const steady = usageLess(usage, movesUsage);
    const steadyShare = {
      read: ledger.read / Math.max(1, allUnits.read - movesUsage.dynamodbReadUnits),
      write: ledger.write / Math.max(1, allUnits.write - movesUsage.dynamodbWriteUnits),
    };
    const requestMix = snapshot.requestMix();
    requestMix['sns:Publish'] = usage.snsPublishes;
    requestMix['lambda:Invoke'] = Math.round(usage.lambdaInvocations);
    requestMix['events:PutEvents'] = events;
    const requests = Object.values(requestMix).reduce((a, b) => a + b, 0);
    const fatigueWriteUnits = snapshot.usageOf(SCOPES.fatigue).dynamodbWriteUnits;
    const reservations = measures.fatigue.reserves + measures.fatigue.releases;
    const client = documentClient({
      region: localRegion,
      credentials: localCredentials,
      endpoint: engines.dynamodbEndpoint,
    });
    const items = await fatigueItemSizes(
      client,
      ledgerTable,
      (userId) => historyOf(Number(userId.slice(1))) >= 8,
    );
    client.destroy();
    const moved = moves.accounts - movesStarted.accounts;
    const rebalancing = {
      movedAccounts: moved,
      relocateCalls: moves.calls,
      seconds: round(moves.ms / 1000, 2),
      writeUnitsPerMovedAccount: round(movesUsage.dynamodbWriteUnits / Math.max(1, moved)),
      readUnitsPerMovedAccount: round(movesUsage.dynamodbReadUnits / Math.max(1, moved)),
      usdPerMillionMoved: perMillion(costOf(movesUsage).total, moved),
    };
    return {
      population: { ...population, devices: loaded.devices, disabledEndpoints: loaded.disabledTokens.length },
      load: {
        seconds: loadSeconds,
        relations: loaded.relations,
        relationsPerSecond: loaded.relationsPerSecond,
      },
      seconds,
      planned,
      deliveredRecipients,
      deliveredPushes,
      outcomes: Object.fromEntries(catalog.recipes.map((r) => [r.id, outcomes[r.id]])),
      requestsPerDeliveredPush: round(requests / Math.max(1, deliveredPushes)),
      // A promotion's moves happen once per account and growth step, not per push: two
      // conditional writes per moved account and a BatchGetItem per 100.
      requestsPerDeliveredPushWithoutMoves: round(
        (requests - 2 * rebalancing.movedAccounts - Math.ceil(movesUsage.dynamodbReadUnits / 100)) /
          Math.max(1, deliveredPushes),
      ),
      requestMix,
      costPerMillionUsd: {
        onDemand: perMillion(onDemand.total, deliveredPushes),
        provisionedLedger: perMillion(provisioned.total, deliveredPushes),
        withoutMoves: {
          onDemand: perMillion(costOf(steady).total, deliveredPushes),
          provisionedLedger: perMillion(
            costWithProvisionedLedger(steady, steadyShare).total,
            deliveredPushes,
          ),
        },
        // One write unit per reservation: every recipient judged against the caps, capped or not.
        floor: costFloor(usage.snsPublishes, measures.fatigue.reserves, deliveredPushes),
        provisionedUtilisation: PROVISIONED_UTILISATION,
        ledgerShareOfUnits: { read: round(ledgerShare.read), write: round(ledgerShare.write) },
        onDemandByService: Object.fromEntries(
          Object.entries(onDemand.byService).map(([s, v]) => [s, perMillion(v, deliveredPushes)]),
        ),
        provisionedLedgerByService: Object.fromEntries(
          Object.entries(provisioned.byService).map(([s, v]) => [s, perMillion(v, deliveredPushes)]),
        ),
      },
      // Where the DynamoDB units go, per delivered push, by table (fatigue, outbox and leases live in Ledger).
      dynamodbUnitsPerDeliveredPush: Object.fromEntries(
        Object.entries(runtime.tableNames).map(([id, table]) => {
          const units = tableDelta(table);
          return [
            id,
            {
              read: round(units.read / Math.max(1, deliveredPushes)),
              write: round(units.write / Math.max(1, deliveredPushes)),
            },
          ];
        }),
      ),
      // The Ledger's writes by kind of item: fatigue counters, the outbox, checkpoints, markers.
      ledgerWriteUnitsPerDeliveredPush: Object.fromEntries(
        snapshot
          .writeUnitsByKind(ledgerTable)
          .map(([kind, units]) => [kind, round(units / Math.max(1, deliveredPushes), 4)]),
      ),
      fatigue: {
        writeUnitsPerRecipient: round(fatigueWriteUnits / Math.max(1, planned)),
        writesPerRecipient: round(reservations / Math.max(1, planned)),
        items,
      },
      largestCheckpointBytes: {
        fanout: measures.fanout.largestItemBytes,
        delivery: measures.delivery.largestItemBytes,
      },
      checkpointWrites: { fanout: measures.fanout.writes, delivery: measures.delivery.writes },
      largestOutboxItemBytes: measures.outbox.largestItemBytes,
      held: {
        jobs: heldJobs,
        recipients: heldRecipients,
        recipientsPerJob: round(heldRecipients / Math.max(1, heldJobs), 1),
        releaseInstants,
      },
      rebalancing,
      latency: {
        audience1k: latency1k,
        ...(latency100k ? { audience100k: latency100k } : { audience100k: 'skipped (--quick)' }),
      },
      peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
    };
  } finally {
    await runtime.stop();
    await engines.stop();
  }
}

export type RealisticMixResult = Awaited<ReturnType<typeof benchRealisticMix>>;

if (import.meta.main) {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { logger } = await import('../shared/observability/logger.ts');
  logger.writeToStderr();
  const at = process.argv.indexOf('--users');
  const users = at > 0 ? Number(process.argv[at + 1]) : undefined;
  console.log(
    JSON.stringify(
      await benchRealisticMix({ quick: process.argv.includes('--quick'), ...(users ? { users } : {}) }),
      null,
      2,
    ),
  );
}
