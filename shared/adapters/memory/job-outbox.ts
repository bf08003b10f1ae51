import type { JobOutbox } from '../../domain/audience/fanout-progress.ts';
import type { DeliveryJob } from '../../domain/push/delivery-job.ts';

/** The job outbox in memory, for unit tests and in-process benchmarks. */
export class InMemoryJobOutbox implements JobOutbox {
  readonly #jobs = new Map<string, DeliveryJob>();

  async keep(jobs: readonly DeliveryJob[]): Promise<void> {
    for (const job of jobs) this.#jobs.set(job.jobId, structuredClone(job));
  }

  async jobsOf(jobIds: readonly string[]): Promise<DeliveryJob[]> {
    return jobIds.flatMap((id) => {
      const job = this.#jobs.get(id);
      return job ? [job] : [];
    });
  }
}
