import { createHash } from 'node:crypto';
import type { UnitUsage } from '../costs/usage-counters.ts';

/**
 * The life of every (event, recipe, recipient): planned, then exactly one terminal outcome; then,
 * for a delivered push, what the app reported (counted once per message, user and kind).
 */
export type Outcome = 'planned' | 'delivered' | 'suppressed' | 'failed' | 'rejected' | ReceiptOutcome;
export type ReceiptOutcome = 'opened' | 'clicked' | 'dismissed';
const receiptOutcomes: ReadonlySet<string> = new Set(['opened', 'clicked', 'dismissed']);

export interface OutcomeCount {
  /** The recipe (or campaign) the counts belong to. */
  readonly scope: string;
  /** Calendar day (UTC) of the event, `2026-11-21`. */
  readonly day: string;
  readonly variant: string;
  readonly outcome: Outcome;
  /** Why, for suppressed, failed and rejected; empty otherwise. */
  readonly reason: string;
  readonly count: number;
}

export interface ScopeSummary {
  planned: number;
  delivered: number;
  suppressed: Record<string, number>;
  failed: Record<string, number>;
  rejected: Record<string, number>;
  /** Receipts the apps reported; present once there is one. */
  opened?: number;
  clicked?: number;
  dismissed?: number;
}

/** Port: outcome counters. Recording is idempotent per batch, so redelivery never double counts. */
export interface OutcomeLedger {
  /**
   * Adds `counts` once per `batchId`; a second call with the same id changes nothing. `usage`,
   * what the unit measured, lands in the same write: a report's costs and outcomes always agree.
   */
  record(
    batchId: string,
    counts: readonly OutcomeCount[],
    usage?: UnitUsage,
  ): Promise<'recorded' | 'already-recorded'>;
  /** Whether a batch was recorded already: work redelivered after it finished is skipped. */
  wasRecorded(batchId: string): Promise<boolean>;
  summary(): Promise<Record<string, ScopeSummary>>;
  /**
   * One scope's counters on the given days (UTC, `2026-11-21`): keyed reads of its counter
   * items, where `summary` reads every scope's of every day. Undefined when there are none.
   */
  summaryOf(scope: string, days: readonly string[]): Promise<ScopeSummary | undefined>;
  /** Like `summary`, but one summary per variant of each scope: what experiments are read from. */
  variantSummary(): Promise<Record<string, Record<string, ScopeSummary>>>;
}

/** An outcome counted so far by a unit of work, kept in its checkpoint until recorded. */
export interface ProgressCount {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly variant: string;
  readonly count: number;
}

/**
 * Reasons become part of counter keys, and DynamoDB caps a sort key at 1 KB: a longer reason (a
 * rejected event's unknown field name of any length) keeps its start and a digest of the rest,
 * so equal reasons still add up and different ones stay apart.
 */
export const MAX_REASON_LENGTH = 200;
export const boundedReason = (reason: string): string => {
  if (reason.length <= MAX_REASON_LENGTH) return reason;
  const digest = createHash('sha256').update(reason).digest('base64url').slice(0, 12);
  return `${reason.slice(0, MAX_REASON_LENGTH - 16)}… #${digest}`;
};

/**
 * Every (scope, day) has this many counter items, and each batch of outcomes adds to one of
 * them, chosen by its id: thousands of jobs a second recording the same recipe's outcomes would
 * otherwise all write (in transactions) to one hot item. Readers sum the shards.
 */
export const OUTCOME_COUNTER_SHARDS = 16;
export const counterShardOf = (batchId: string): number =>
  createHash('sha256').update(batchId).digest().readUInt16BE(0) % OUTCOME_COUNTER_SHARDS;

/** Counts outcomes of one unit of work before they are recorded in one write. */
export class OutcomeTally {
  readonly #counts = new Map<string, OutcomeCount>();
  readonly #scope: string;
  readonly #day: string;

  constructor(scope: string, at: Date) {
    this.#scope = scope;
    this.#day = at.toISOString().slice(0, 10);
  }

  add(outcome: Outcome, rawReason = '', variant = 'A', count = 1): void {
    if (count === 0) return;
    const reason = boundedReason(rawReason);
    const key = `${variant}\u0000${outcome}\u0000${reason}`;
    const previous = this.#counts.get(key)?.count ?? 0;
    this.#counts.set(key, {
      scope: this.#scope,
      day: this.#day,
      variant,
      outcome,
      reason,
      count: previous + count,
    });
  }

  /** Adds what a checkpoint carried over from an earlier copy of the work. */
  restore(counts: readonly ProgressCount[] = []): this {
    for (const c of counts) this.add(c.outcome, c.reason, c.variant, c.count);
    return this;
  }

  entries(): OutcomeCount[] {
    return [...this.#counts.values()];
  }

  /** The counts as a checkpoint keeps them. */
  progress(): ProgressCount[] {
    return this.entries().map(({ outcome, reason, variant, count }) => ({ outcome, reason, variant, count }));
  }

  /** How many recipients have `outcome` so far. */
  total(outcome: Outcome): number {
    return this.entries()
      .filter((c) => c.outcome === outcome)
      .reduce((n, c) => n + c.count, 0);
  }
}

const emptySummary = (): ScopeSummary => ({
  planned: 0,
  delivered: 0,
  suppressed: {},
  failed: {},
  rejected: {},
});

const addTo = (s: ScopeSummary, c: OutcomeCount): void => {
  if (c.outcome === 'planned' || c.outcome === 'delivered') s[c.outcome] += c.count;
  else if (receiptOutcomes.has(c.outcome)) {
    const kind = c.outcome as ReceiptOutcome;
    s[kind] = (s[kind] ?? 0) + c.count;
  } else {
    const byReason = s[c.outcome as 'suppressed' | 'failed' | 'rejected'];
    byReason[c.reason] = (byReason[c.reason] ?? 0) + c.count;
  }
};

/** Folds counters into one summary per scope, the shape reports and `herald simulate` print. */
export const summarise = (counts: Iterable<OutcomeCount>): Record<string, ScopeSummary> => {
  const summaries: Record<string, ScopeSummary> = {};
  for (const c of counts) {
    const s = summaries[c.scope] ?? emptySummary();
    summaries[c.scope] = s;
    addTo(s, c);
  }
  return summaries;
};

/**
 * Folds counters into one summary per scope and variant (`{ recipe: { A: …, B: … } }`): the
 * counts an experiment's report and significance tests start from. Every variant's summary
 * keeps `planned = delivered + suppressed + failed`, the holdout's included.
 */
export const summariseByVariant = (
  counts: Iterable<OutcomeCount>,
): Record<string, Record<string, ScopeSummary>> => {
  const summaries: Record<string, Record<string, ScopeSummary>> = {};
  for (const c of counts) {
    const variants = summaries[c.scope] ?? {};
    summaries[c.scope] = variants;
    const s = variants[c.variant] ?? emptySummary();
    variants[c.variant] = s;
    addTo(s, c);
  }
  return summaries;
};

/** `summaryOf` over counters held in memory: one scope's, on the given days. */
export const summaryOfCounts = (
  counts: readonly OutcomeCount[],
  scope: string,
  days: readonly string[],
): ScopeSummary | undefined =>
  summarise(counts.filter((c) => c.scope === scope && days.includes(c.day)))[scope];
