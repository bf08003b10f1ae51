/**
 * What the realistic mix puts around the runtime to read its figures: scopes and timers around the
 * relation moves and the fatigue ledger, publish latencies, and a snapshot of the request meter
 * whose differences are what the run used.
 */
import { emptyUsage, type Usage } from '../shared/domain/costs/price-table.ts';
import type { RelationStore } from '../shared/domain/relations/relation.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';
import { requestMeter } from '../shared/observability/request-meter.ts';
import { usageLess } from './realistic-figures.ts';

/** Scopes of their own, so their requests can be read apart (and added back to the totals). */
export const SCOPES = { moves: 'rebalancing', fatigue: 'fatigue-ledger' } as const;

/** Puts scopes and timers around the relation moves and the fatigue ledger, in place. */
export const instrument = (ports: HeraldPorts) => {
  const mutable = ports as { -readonly [K in keyof HeraldPorts]: HeraldPorts[K] };
  const moves = { accounts: 0, calls: 0, ms: 0 };
  const relations = ports.relations;
  const measured: RelationStore = Object.create(relations);
  measured.relocate = async (...args) => {
    const started = performance.now();
    const moved = await requestMeter.within(SCOPES.moves, () => relations.relocate(...args));
    moves.ms += performance.now() - started;
    moves.calls++;
    moves.accounts += moved;
    return moved;
  };
  for (const method of [
    'apply',
    'audiencePage',
    'importRelations',
    'shardCountOf',
    'promote',
    'startLayout',
  ] as const)
    (measured as unknown as Record<string, unknown>)[method] = relations[method].bind(relations);
  mutable.relations = measured;
  const fatigue = ports.fatigue;
  mutable.fatigue = {
    reserve: (requests) => requestMeter.within(SCOPES.fatigue, () => fatigue.reserve(requests)),
    release: (requests) => requestMeter.within(SCOPES.fatigue, () => fatigue.release(requests)),
  };
  const gateway = ports.gateway;
  const latency = { since: 0, samples: [] as number[], recording: false };
  mutable.gateway = Object.assign(Object.create(gateway), {
    publish: async (...args: Parameters<typeof gateway.publish>) => {
      const result = await gateway.publish(...args);
      if (latency.recording && result.status === 'sent')
        latency.samples.push(performance.now() - latency.since);
      return result;
    },
  });
  return { moves, latency };
};

const units = (map: ReadonlyMap<string, { read: number; write: number }>, table: string) =>
  map.get(table) ?? { read: 0, write: 0 };

/** The request meter as it stands; its methods say what was used since. */
export const meterSnapshot = (names: readonly string[]) => {
  const usage = new Map(names.map((n) => [n, requestMeter.usageOf(n)]));
  const tables = new Map([...requestMeter.unitsByTable].map(([t, u]) => [t, { ...u }]));
  const requests = new Map(requestMeter.requests);
  const kinds = new Map(requestMeter.writeUnitsByKind);
  return {
    /** What work within `name` used since. */
    usageOf: (name: string): Usage => usageLess(requestMeter.usageOf(name), usage.get(name) ?? emptyUsage()),
    /** Every named scope's usage since, added up. */
    total: (): Usage =>
      names.reduce((sum, name) => {
        const since = usageLess(requestMeter.usageOf(name), usage.get(name) ?? emptyUsage());
        return Object.fromEntries(
          Object.entries(sum).map(([k, v]) => [k, v + since[k as keyof Usage]]),
        ) as unknown as Usage;
      }, emptyUsage()),
    tableUnits: (table: string) => {
      const now = units(requestMeter.unitsByTable, table);
      const before = units(tables, table);
      return { read: now.read - before.read, write: now.write - before.write };
    },
    tables: () => [...requestMeter.unitsByTable.keys()],
    /** Requests by `service:operation` since. */
    requestMix: (): Record<string, number> => {
      const mix: Record<string, number> = {};
      for (const [key, count] of requestMeter.requests)
        if (count > (requests.get(key) ?? 0)) mix[key] = count - (requests.get(key) ?? 0);
      return mix;
    },
    /** Write units of `table` since, by kind of item, largest first. */
    writeUnitsByKind: (table: string): [string, number][] =>
      [...requestMeter.writeUnitsByKind]
        .filter(([key]) => key.startsWith(`${table}|`))
        .map(([key, n]) => [key.split('|')[1]!, n - (kinds.get(key) ?? 0)] as [string, number])
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]),
  };
};
