import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';

export interface HeldJob {
  readonly job: DeliveryJob;
  readonly releaseAt: Date;
}

/**
 * Holds on the local runtime's clock. The runtime asks for the jobs that are due whenever its
 * clock moves (a simulation step, or a timer on the wall clock) and sends them on.
 */
export class LocalHoldScheduler implements HoldScheduler {
  /** Every hold ever made, for reports. */
  readonly history: HeldJob[] = [];
  #pending: HeldJob[] = [];

  async hold(jobs: readonly DeliveryJob[], releaseAt: Date): Promise<void> {
    for (const job of jobs) {
      // A redelivered fan-out task holds the same job again; one hold per job id is enough.
      if (this.#pending.some((h) => h.job.jobId === job.jobId)) continue;
      this.#pending.push({ job, releaseAt });
      this.history.push({ job, releaseAt });
    }
  }

  /** The earliest release instant still pending. */
  nextRelease(): Date | undefined {
    return this.#pending.reduce<Date | undefined>(
      (min, h) => (!min || h.releaseAt < min ? h.releaseAt : min),
      undefined,
    );
  }

  /** The holds due at `now`; they stay pending until `released`, so a failed send loses none. */
  due(now: Date): DeliveryJob[] {
    return this.#pending.filter((h) => h.releaseAt <= now).map((h) => h.job);
  }

  released(jobs: readonly DeliveryJob[]): void {
    const ids = new Set(jobs.map((j) => j.jobId));
    this.#pending = this.#pending.filter((h) => !ids.has(h.job.jobId));
  }
}
