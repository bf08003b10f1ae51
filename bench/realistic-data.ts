/**
 * The population of the realistic-mix benchmark, generated from the user's number (no state, the
 * same every run) and loaded into a local runtime's tables: relations through the bulk import use
 * case, profiles and devices in BatchWriteItem requests of the items the directories write, and a
 * week of fatigue history made by the fatigue ledger itself.
 *
 * - time zones: 24, one per hour of UTC offset, so at any instant about ten are in quiet hours;
 * - devices: 30% of users have two phones; 5% of all endpoints are disabled at the platform;
 * - history: ten patterns of the week so far (light, medium, heavy today, at the week's cap), each
 *   reserved once per zone through the ledger, then copied to every user of that pattern and zone.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/adapters/dynamodb/document-client.ts';
import { calendarWindows } from '../shared/domain/fatigue/calendar.ts';
import { defaultPolicy, rulesFor } from '../shared/domain/fatigue/policy.ts';
import type { ReservationRequest } from '../shared/domain/fatigue/reservation.ts';
import { defaultApp, deviceIdOf } from '../shared/domain/push/device.ts';
import { localCredentials, localRegion } from '../shared/local/engines.ts';
import type { LocalRuntime } from '../shared/local/runtime.ts';
import { importRelations } from '../shared/use-cases/import-relations.ts';

/** One zone per UTC offset from -11 to +12 (none of them changes its clock in late November). */
export const ZONES = [
  'Pacific/Pago_Pago',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Phoenix',
  'America/Chicago',
  'America/Bogota',
  'America/Caracas',
  'America/Sao_Paulo',
  'Atlantic/South_Georgia',
  'Atlantic/Cape_Verde',
  'UTC',
  'Europe/Paris',
  'Europe/Athens',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Brisbane',
  'Pacific/Guadalcanal',
  'Pacific/Tarawa',
] as const;

export const userIdOf = (i: number) => `u${String(i).padStart(7, '0')}`;
export const zoneOf = (i: number) => ZONES[i % ZONES.length]!;

/** A stable draw in [0, 1) per user and purpose (FNV-1a), independent of the zone's `i % 24`. */
const draw = (i: number, purpose: string): number => {
  const text = `${purpose}:${i}`;
  let hash = 0x811c9dc5;
  for (let c = 0; c < text.length; c++) hash = Math.imul(hash ^ text.charCodeAt(c), 0x01000193);
  return (hash >>> 0) / 4_294_967_296;
};

export const deviceCountOf = (i: number) => (draw(i, 'devices') < 0.3 ? 2 : 1);
export const tokenOf = (i: number, device: number) => `fcm-${userIdOf(i)}-${device}`;
export const isDisabled = (i: number, device: number) => draw(i, `disabled${device}`) < 0.05;
/** Which week so far the user has had: 0-4 light, 5-7 medium, 8 heavy today, 9 at the week's cap. */
export const historyOf = (i: number) => Math.floor(draw(i, 'history') * 10);

interface PastPush {
  readonly hoursAgo: number;
  readonly recipeId: string;
  readonly business: string;
  readonly sender: string;
}

const listing = (hoursAgo: number, sender: string): PastPush => ({
  hoursAgo,
  recipeId: 'followed-seller-new-item',
  business: 'listings',
  sender,
});
const priceAlert = (hoursAgo: number, sender: string): PastPush => ({
  hoursAgo,
  recipeId: 'favorited-item-price-drop',
  business: 'price-alerts',
  sender,
});
const offer = (hoursAgo: number, sender: string): PastPush => ({
  hoursAgo,
  recipeId: 'seller-offer-to-favoriters',
  business: 'offers',
  sender,
});

/**
 * The pushes of each pattern, hours before the run (a Saturday 10:00 UTC: the week began on
 * Monday, 106 hours before on the earliest clock). They respect the default policy's caps, so the
 * ledger takes them all.
 */
export const HISTORY: readonly (readonly PastPush[])[] = [
  [listing(72, 'seller-a')],
  [priceAlert(48, 'seller-b')],
  [listing(30, 'seller-c')],
  [offer(80, 'seller-d')],
  [],
  [
    listing(96, 'seller-a'),
    listing(72, 'seller-b'),
    priceAlert(50, 'seller-c'),
    offer(26, 'seller-d'),
    listing(5, 'seller-e'),
  ],
  [
    listing(90, 'seller-f'),
    offer(70, 'seller-g'),
    listing(45, 'seller-a'),
    priceAlert(28, 'seller-b'),
    listing(20, 'seller-c'),
  ],
  [
    priceAlert(85, 'seller-d'),
    listing(60, 'seller-e'),
    listing(40, 'seller-f'),
    offer(24, 'seller-g'),
    priceAlert(3, 'seller-a'),
  ],
  // Heavy today: two listings from the hot seller (its sender cap is full) and a third listing.
  [
    ...[96, 72, 48].flatMap((h, d) => [
      listing(h, `seller-${'abc'[d]}`),
      priceAlert(h - 1, `seller-${'def'[d]}`),
    ]),
    offer(30, 'seller-g'),
    listing(3, 'seller-hot'),
    listing(2, 'seller-hot'),
    listing(1, 'seller-h'),
  ],
  // At the week's cap of 20: days of three or four pushes from many senders.
  [100, 76, 52, 28, 8].flatMap((h, d) => [
    listing(h, `seller-${'abcde'[d]}`),
    listing(h - 1, `seller-${'fghij'[d]}`),
    priceAlert(h - 2, `seller-${'klmno'[d]}`),
    ...(d < 5 ? [offer(h - 3, `seller-${'pqrst'[d]}`)] : []),
  ]),
];

export interface Population {
  readonly users: number;
  /** Followers of `seller-rising` (every fifth user), the target promoted from 1 to 4 shards. */
  readonly rising: number;
  /** Followers of `seller-1k`: users in daytime zones, for the latency of a 1k audience. */
  readonly latency1k: number;
  /** Followers of `seller-100k` (the first 100k users), when the 100k latency is measured. */
  readonly latency100k: number;
}

const inDaytime = (i: number, at: Date) => {
  const hour = Number(calendarWindows(at, zoneOf(i)).hour.slice(-2));
  return hour >= 9 && hour < 21;
};

/** The relations of the run as import lines: NDJSON, as `herald relations import` reads them. */
async function* relationLines(population: Population, at: Date): AsyncGenerator<string> {
  const line = (from: string, to: string) => JSON.stringify({ type: 'follow', from, to });
  let latency = 0;
  for (let i = 0; i < population.users; i++) {
    const user = userIdOf(i);
    yield line(user, 'seller-hot');
    if (i % 5 === 0) yield line(user, 'seller-rising');
    if (i < population.latency100k) yield line(user, 'seller-100k');
    if (latency < population.latency1k && i % 5 !== 0 && inDaytime(i, at)) {
      latency++;
      yield line(user, 'seller-1k');
    }
  }
}

const batchPut = async (client: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]) => {
  let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length > 0) {
    const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
  }
};

/** Writes `count` items made by `itemOf`, 25 to a request, `lanes` requests in flight. */
const putAll = async (
  client: DynamoDBDocumentClient,
  table: string,
  count: number,
  itemOf: (i: number) => Record<string, unknown>[],
  lanes = 16,
) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        const start = next;
        next = Math.min(count, next + 12);
        const items: Record<string, unknown>[] = [];
        for (let i = start; i < next; i++) items.push(...itemOf(i));
        for (let s = 0; s < items.length; s += 25) await batchPut(client, table, items.slice(s, s + 25));
      }
    }),
  );
};

/** Reserves each pattern's history once per zone through the ledger and returns the items it made. */
const historyTemplates = async (runtime: LocalRuntime, client: DynamoDBDocumentClient, now: Date) => {
  const templates = new Map<string, Record<string, unknown>>();
  const week = (zone: string) => calendarWindows(now, zone).week;
  // Zone by zone, the patterns of a zone at once: a few dozen requests in flight, not hundreds.
  for (const zone of ZONES) {
    await Promise.all(
      HISTORY.map(async (pushes, pattern) => {
        if (pushes.length === 0) return;
        const userId = `template-${pattern}-${ZONES.indexOf(zone)}`;
        for (const [k, push] of pushes.entries()) {
          const rules = rulesFor(defaultPolicy, push.recipeId, push.business, push.sender);
          const request: ReservationRequest = {
            userId,
            timeZone: zone,
            at: new Date(now.getTime() - push.hoursAgo * 3_600_000),
            dedupeKey: `history-${pattern}-${k}#${push.recipeId}`,
            owner: `history-${pattern}-${k}#${push.recipeId}#0`,
            counters: rules.counters,
            enforce: false,
            count: true,
          };
          await runtime.ports.fatigue.reserve([request]);
        }
        const pk = `fatigue#${userId}#${week(zone)}`;
        const out = await client.send(new GetCommand({ TableName: runtime.tableNames.Ledger!, Key: { pk } }));
        if (out.Item) templates.set(`${pattern}|${zone}`, out.Item);
      }),
    );
  }
  return { templates, week };
};

/** Loads the population into the runtime's tables and its device simulator; returns the disabled tokens. */
export const loadPopulation = async (
  runtime: LocalRuntime,
  population: Population,
  now: Date,
): Promise<{ relationsPerSecond: number; relations: number; devices: number; disabledTokens: string[] }> => {
  const client = documentClient({
    region: localRegion,
    credentials: localCredentials,
    endpoint: runtime.engines.dynamodbEndpoint,
  });
  try {
    // The hot seller is known to be hot: its followers are written straight to 16 shards.
    const report = await importRelations(relationLines(population, now), 'ndjson', {
      relations: runtime.ports.relations,
      layouts: new Map([['seller-hot', 16]]),
      concurrency: 16,
      now,
      onBadLine: (bad) => {
        throw new Error(`generated relation line ${bad.line}: ${bad.field}: ${bad.message}`);
      },
    });
    const tables = runtime.tableNames;
    await putAll(client, tables.Users!, population.users, (i) => [
      { pk: userIdOf(i), timeZone: zoneOf(i), flags: [], optOuts: [] },
    ]);
    const disabledTokens: string[] = [];
    let devices = 0;
    const lastSeen = now.getTime() - 86_400_000;
    const deviceItems = new Map<number, Record<string, unknown>>();
    for (let i = 0; i < population.users; i++) {
      const map: Record<string, unknown> = {};
      for (let d = 0; d < deviceCountOf(i); d++) {
        const token = tokenOf(i, d);
        const endpointArn = await runtime.simulator.createEndpoint(defaultApp, 'FCM', token, userIdOf(i));
        if (isDisabled(i, d)) disabledTokens.push(token);
        map[await deviceIdOf('FCM', token)] = {
          platform: 'FCM',
          token,
          endpointArn,
          enabled: true,
          lastSeen,
        };
        devices++;
      }
      deviceItems.set(i, { pk: userIdOf(i), devices: map, oldestSeen: lastSeen });
    }
    await putAll(client, tables.Devices!, population.users, (i) => [deviceItems.get(i)!]);
    deviceItems.clear();
    const { templates, week } = await historyTemplates(runtime, client, now);
    await putAll(client, tables.Ledger!, population.users, (i) => {
      const template = templates.get(`${historyOf(i)}|${zoneOf(i)}`);
      if (!template) return [];
      return [{ ...template, pk: `fatigue#${userIdOf(i)}#${week(zoneOf(i))}` }];
    });
    return {
      relationsPerSecond: Math.round(report.perSecond),
      relations: report.imported,
      devices,
      disabledTokens,
    };
  } finally {
    client.destroy();
  }
};
