/** The life of every (event, recipe, recipient): planned, then exactly one terminal outcome. */
export type Outcome = 'planned' | 'delivered' | 'suppressed' | 'failed' | 'rejected';

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
}

/** Port: outcome counters. Recording is idempotent per batch, so redelivery never double counts. */
export interface OutcomeLedger {
  /** Adds `counts` once per `batchId`; a second call with the same id changes nothing. */
  record(batchId: string, counts: readonly OutcomeCount[]): Promise<'recorded' | 'already-recorded'>;
  /** Whether a batch was recorded already: work redelivered after it finished is skipped. */
  wasRecorded(batchId: string): Promise<boolean>;
  summary(): Promise<Record<string, ScopeSummary>>;
}

/** Counts outcomes of one unit of work before they are recorded in one write. */
export class OutcomeTally {
  readonly #counts = new Map<string, OutcomeCount>();
  readonly #scope: string;
  readonly #day: string;

  constructor(scope: string, at: Date) {
    this.#scope = scope;
    this.#day = at.toISOString().slice(0, 10);
  }

  add(outcome: Outcome, reason = '', variant = 'A', count = 1): void {
    if (count === 0) return;
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

  entries(): OutcomeCount[] {
    return [...this.#counts.values()];
  }
}

const emptySummary = (): ScopeSummary => ({
  planned: 0,
  delivered: 0,
  suppressed: {},
  failed: {},
  rejected: {},
});

/** Folds counters into one summary per scope, the shape reports and `herald simulate` print. */
export const summarise = (counts: Iterable<OutcomeCount>): Record<string, ScopeSummary> => {
  const summaries: Record<string, ScopeSummary> = {};
  for (const c of counts) {
    const s = summaries[c.scope] ?? emptySummary();
    summaries[c.scope] = s;
    if (c.outcome === 'planned' || c.outcome === 'delivered') s[c.outcome] += c.count;
    else s[c.outcome][c.reason] = (s[c.outcome][c.reason] ?? 0) + c.count;
  }
  return summaries;
};
