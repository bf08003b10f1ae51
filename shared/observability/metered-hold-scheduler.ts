import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import type { MetricRecorder } from './metrics.ts';

/** The hold scheduler, counting the pushes it holds (one per recipient of a held job) by recipe. */
export class MeteredHoldScheduler implements HoldScheduler {
  readonly #holds: HoldScheduler;
  readonly #metrics: MetricRecorder;

  constructor(holds: HoldScheduler, metrics: MetricRecorder) {
    this.#holds = holds;
    this.#metrics = metrics;
  }

  async hold(jobs: readonly DeliveryJob[], releaseAt: Date): Promise<void> {
    await this.#holds.hold(jobs, releaseAt);
    for (const job of jobs) this.#metrics.add('HeldPushes', job.userIds.length, { recipe: job.recipeId });
  }
}
