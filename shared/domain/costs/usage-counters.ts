import type { OutcomeCount } from '../outcomes/outcome.ts';
import { emptyUsage, isEmptyUsage, scaleUsage, type Usage } from './price-table.ts';

/**
 * What one unit of work (a fan-out task, a delivery job) measured, stored with its outcomes.
 * `scope` and `day` name the counters when the unit counted no outcome (an empty slice).
 */
export interface UnitUsage {
  readonly usage: Usage;
  readonly scope: string;
  readonly day: string;
}

/** Stored usage of a recipe or campaign (`scope`), or of an overhead line (work of no message). */
export interface UsageCounter {
  readonly kind: 'scope' | 'overhead';
  /** The recipe or campaign, or the overhead line (`device-registration`, `relation-writes`...). */
  readonly name: string;
  /** Calendar day (UTC), `2026-11-21`. */
  readonly day: string;
  /** Empty for overhead lines. */
  readonly variant: string;
  /** `overhead` for overhead lines; `unknown` for a scope whose recipe is gone from the catalog. */
  readonly business: string;
  readonly usage: Usage;
}

/** Pushes delivered, per (scope, day, variant): the denominator of every cost per million. */
export interface DeliveredCount {
  readonly scope: string;
  readonly day: string;
  readonly variant: string;
  readonly count: number;
}

export interface CostRecords {
  readonly usage: readonly UsageCounter[];
  readonly delivered: readonly DeliveredCount[];
}

/** Inclusive range of days, `2026-11-01`..`2026-11-30`; open ends when absent. */
export interface DayRange {
  readonly from?: string;
  readonly to?: string;
}

export const inRange = (day: string, range: DayRange = {}): boolean =>
  (range.from === undefined || day >= range.from) && (range.to === undefined || day <= range.to);

/** Port: usage kept for cost reports, besides what the outcome ledger stores with each batch. */
export interface CostLedger {
  /** Adds the usage of work that belongs to no message to its overhead line, in one write. */
  addOverhead(line: string, day: string, usage: Usage): Promise<void>;
  /** Adds usage to a scope's counters outside a batch (a planner's requests no task claimed). */
  addScopeUsage(scope: string, day: string, usage: Usage): Promise<void>;
  /** Every usage counter and delivered count in the range, summed over shards. */
  records(range?: DayRange): Promise<CostRecords>;
}

/**
 * Splits a unit's usage over the variants it served, in proportion to the recipients it planned
 * (or, with none planned, to all it counted): a fan-out task reads one page for every variant.
 * A unit with no counts keeps its usage under variant `-` of its own scope and day.
 */
export const usageByCounter = (
  counts: readonly OutcomeCount[],
  unit: UnitUsage,
): { scope: string; day: string; variant: string; usage: Usage }[] => {
  if (isEmptyUsage(unit.usage)) return [];
  const planned = counts.filter((c) => c.outcome === 'planned');
  const basis = planned.length > 0 ? planned : counts;
  const weights = new Map<string, { scope: string; day: string; variant: string; weight: number }>();
  for (const c of basis) {
    const key = `${c.scope}\u0000${c.day}\u0000${c.variant}`;
    const entry = weights.get(key) ?? { scope: c.scope, day: c.day, variant: c.variant, weight: 0 };
    entry.weight += c.count;
    weights.set(key, entry);
  }
  const total = [...weights.values()].reduce((n, w) => n + w.weight, 0);
  if (total === 0) return [{ scope: unit.scope, day: unit.day, variant: '-', usage: unit.usage }];
  return [...weights.values()]
    .sort((a, b) => (a.variant < b.variant ? -1 : 1))
    .map((w) => ({
      scope: w.scope,
      day: w.day,
      variant: w.variant,
      usage: scaleUsage(unit.usage, w.weight / total),
    }));
};

/** Usage read back from stored attributes (absent units are zero). */
export const usageFromItem = (item: Record<string, unknown>): Usage => {
  const usage = emptyUsage();
  for (const unit of Object.keys(usage) as (keyof Usage)[])
    if (typeof item[unit] === 'number') usage[unit] = item[unit] as number;
  return usage;
};
