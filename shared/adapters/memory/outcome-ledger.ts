import {
  type OutcomeCount,
  type OutcomeLedger,
  type ScopeSummary,
  summarise,
  summariseByVariant,
  summaryOfCounts,
} from '../../domain/outcomes/outcome.ts';

/** Outcome counters in memory, idempotent per batch like the DynamoDB ledger. */
export class InMemoryOutcomeLedger implements OutcomeLedger {
  readonly #batches = new Set<string>();
  readonly #counts: OutcomeCount[] = [];

  async record(batchId: string, counts: readonly OutcomeCount[]): Promise<'recorded' | 'already-recorded'> {
    if (this.#batches.has(batchId)) return 'already-recorded';
    this.#batches.add(batchId);
    this.#counts.push(...counts);
    return 'recorded';
  }

  async wasRecorded(batchId: string): Promise<boolean> {
    return this.#batches.has(batchId);
  }

  async summary(): Promise<Record<string, ScopeSummary>> {
    return summarise(this.#counts);
  }

  async summaryOf(scope: string, days: readonly string[]): Promise<ScopeSummary | undefined> {
    return summaryOfCounts(this.#counts, scope, days);
  }

  async variantSummary(): Promise<Record<string, Record<string, ScopeSummary>>> {
    return summariseByVariant(this.#counts);
  }
}
