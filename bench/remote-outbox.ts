import type { JobOutbox } from '../shared/domain/audience/fanout-progress.ts';
import type { DeliveryJob } from '../shared/domain/push/delivery-job.ts';

/**
 * The job outbox as the in-process benchmarks need it: it serialises every job, as the DynamoDB
 * adapter does, and keeps only the last page's jobs (all a checkpoint can name) in this process.
 * In production the outbox is a table, elsewhere; the in-memory test double keeps every job of
 * the slice, which is an audience's worth of user ids and would be measured as the pipeline's.
 */
export class RemoteJobOutbox implements JobOutbox {
  #lastPage = new Map<string, string>();
  kept = 0;

  async keep(jobs: readonly DeliveryJob[]): Promise<void> {
    this.#lastPage = new Map(jobs.map((job) => [job.jobId, JSON.stringify(job)]));
    this.kept += jobs.length;
  }

  async jobsOf(jobIds: readonly string[]): Promise<DeliveryJob[]> {
    return jobIds.flatMap((id) => {
      const body = this.#lastPage.get(id);
      return body === undefined ? [] : [JSON.parse(body) as DeliveryJob];
    });
  }
}
