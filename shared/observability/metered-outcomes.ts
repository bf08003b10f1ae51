import type { UnitUsage } from '../domain/costs/usage-counters.ts';
import type { OutcomeCount, OutcomeLedger } from '../domain/outcomes/outcome.ts';
import type { MetricRecorder } from './metrics.ts';

/**
 * The outcome ledger, counting what it records as metrics: Planned, Delivered, Suppressed and
 * Failed by reason, Opened, each by recipe. Only a batch the ledger took (`recorded`) counts, so
 * a redelivered batch is counted once in the metrics as in the ledger.
 */
export class MeteredOutcomes implements OutcomeLedger {
  readonly #ledger: OutcomeLedger;
  readonly #metrics: MetricRecorder;

  constructor(ledger: OutcomeLedger, metrics: MetricRecorder) {
    this.#ledger = ledger;
    this.#metrics = metrics;
  }

  async record(
    batchId: string,
    counts: readonly OutcomeCount[],
    usage?: UnitUsage,
  ): Promise<'recorded' | 'already-recorded'> {
    const status = await this.#ledger.record(batchId, counts, usage);
    if (status === 'recorded') for (const count of counts) this.#count(count);
    return status;
  }

  wasRecorded(batchId: string): Promise<boolean> {
    return this.#ledger.wasRecorded(batchId);
  }

  summary() {
    return this.#ledger.summary();
  }

  variantSummary() {
    return this.#ledger.variantSummary();
  }

  summaryOf(scope: string, days: readonly string[]) {
    return this.#ledger.summaryOf(scope, days);
  }

  #count({ scope: recipe, outcome, reason, count }: OutcomeCount): void {
    if (outcome === 'planned') this.#metrics.add('Planned', count, { recipe });
    else if (outcome === 'delivered') this.#metrics.add('Delivered', count, { recipe });
    else if (outcome === 'suppressed') this.#metrics.add('Suppressed', count, { recipe, reason });
    else if (outcome === 'failed') this.#metrics.add('Failed', count, { recipe, reason });
    else if (outcome === 'opened') this.#metrics.add('Opened', count, { recipe });
  }
}
