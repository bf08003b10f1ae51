import { PatternIndex } from '../shared/event-patterns/index.ts';

/** Throughput of the local bus's rule matching for one rule count. */
export interface BusBenchResult {
  readonly rules: number;
  readonly eventsPerSec: number;
}

const RULE_COUNTS = [10, 100, 1000] as const;
const TYPES_PER_SOURCE = 10;
const SLICES = 5;
const SLICE_MS = 200;
const WARM_UP_MS = 200;
const DISTINCT_EVENTS = 2000;

/** A small deterministic generator, so every run benchmarks the same rules and events. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const sourceOf = (i: number): string => `herald.service-${Math.floor(i / TYPES_PER_SOURCE)}`;
const detailTypeOf = (i: number): string => `Relationship Event ${i % TYPES_PER_SOURCE}`;

// Detail filters seen in real rules; each rule gets one, rotating.
const detailFilters: readonly object[] = [
  { userId: [{ prefix: 'u-1' }] },
  { amount: [{ numeric: ['>', 10, '<=', 500] }] },
  { status: [{ 'anything-but': ['deleted', 'banned'] }] },
  { channel: ['push', 'email'], locale: [{ 'equals-ignore-case': 'en-gb' }] },
  { $or: [{ priority: [{ numeric: ['>=', 8] }] }, { vip: [true] }] },
  { optOut: [{ exists: false }] },
];

// Broad rules that cut across sources, as audit or analytics rules do; with the specific rule of
// each event's pair they make two to three matches per event.
const broadRules: readonly object[] = [
  { 'detail-type': [{ prefix: 'Relationship' }], detail: { channel: ['push'] } },
  { source: [{ prefix: 'herald.' }], detail: { amount: [{ numeric: ['>', 250] }] } },
  { detail: { recipients: { role: ['friend'], id: [{ prefix: 'u-' }] } } },
  { 'detail-type': [detailTypeOf(3)] },
];

/** `count` rules: a few broad ones, the rest on distinct source/detail-type pairs with a detail filter each. */
function rulesFor(count: number): { name: string; pattern: string }[] {
  const broad = broadRules.map((pattern, b) => ({ name: `broad-${b}`, pattern: JSON.stringify(pattern) }));
  const specific = Array.from({ length: count - broad.length }, (_, i) => ({
    name: `rule-${i}`,
    pattern: JSON.stringify({
      source: [sourceOf(i)],
      'detail-type': [detailTypeOf(i)],
      detail: detailFilters[i % detailFilters.length],
    }),
  }));
  return [...broad, ...specific];
}

/** EventBridge-shaped events aimed at the rules' source/detail-type pairs, with varied details. */
function eventsFor(count: number): string[] {
  const next = random(count);
  return Array.from({ length: DISTINCT_EVENTS }, (_, n) => {
    const i = Math.floor(next() * (count - broadRules.length));
    return JSON.stringify({
      version: '0',
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      'detail-type': detailTypeOf(i),
      source: sourceOf(i),
      account: '123456789012',
      time: '2024-05-01T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        userId: `u-${Math.floor(next() * 200)}`,
        amount: Math.round(next() * 100_000) / 100,
        status: next() < 0.1 ? 'deleted' : 'active',
        channel: next() < 0.5 ? 'push' : 'sms',
        locale: next() < 0.5 ? 'EN-GB' : 'fr-FR',
        priority: Math.floor(next() * 10),
        vip: next() < 0.2,
        ...(next() < 0.3 ? { optOut: true } : {}),
        recipients: [
          { id: 'u-2', role: 'friend' },
          { id: 'u-3', role: 'follower' },
        ],
      },
    });
  });
}

/** Runs events through the index until `ms` have passed; returns how many it handled. */
function run(
  index: PatternIndex,
  events: readonly string[],
  ms: number,
): { events: number; elapsedMs: number } {
  let handled = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    // Check the clock once per batch so timing does not dominate.
    for (let k = 0; k < 200; k++) index.matchingRules(events[handled++ % events.length] ?? '');
    elapsed = performance.now() - start;
  }
  return { events: handled, elapsedMs: elapsed };
}

/**
 * Events per second through {@link PatternIndex} (JSON parsing, envelope validation and matching
 * included) for 10, 100 and 1000 rules: the median of five 200 ms slices each, after a warm-up.
 */
export async function benchBus(): Promise<BusBenchResult[]> {
  const results: BusBenchResult[] = [];
  for (const count of RULE_COUNTS) {
    const index = new PatternIndex(rulesFor(count));
    const events = eventsFor(count);
    run(index, events, WARM_UP_MS);
    // The median of several slices shrugs off a neighbour process stealing the CPU for a moment.
    const rates: number[] = [];
    for (let slice = 0; slice < SLICES; slice++) {
      const { events: handled, elapsedMs } = run(index, events, SLICE_MS);
      rates.push((handled * 1000) / elapsedMs);
    }
    rates.sort((a, b) => a - b);
    results.push({ rules: count, eventsPerSec: Math.round(rates[Math.floor(SLICES / 2)] ?? 0) });
    // Let pending I/O run between sizes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

/** Average number of rules matched per event, to show the workload is realistic. */
function matchesPerEvent(count: number): number {
  const index = new PatternIndex(rulesFor(count));
  const events = eventsFor(count);
  const total = events.reduce((sum, e) => sum + index.matchingRules(e).length, 0);
  return total / events.length;
}

if (import.meta.main) {
  const results = await benchBus();
  console.log('rules  events/s  matches/event');
  for (const { rules, eventsPerSec } of results) {
    const perEvent = matchesPerEvent(rules).toFixed(2);
    console.log(
      `${String(rules).padStart(5)}  ${String(eventsPerSec).padStart(8)}  ${perEvent.padStart(13)}`,
    );
  }
}
