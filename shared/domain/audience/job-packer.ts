import { type DeliveryJob, recipientsPerJob } from '../push/delivery-job.ts';

/** What every job of one kind shares: the push, the reservation, the release instant. */
export type JobTemplate = Omit<DeliveryJob, 'jobId' | 'userIds'>;

/**
 * Packs recipients into delivery jobs of at most `recipientsPerJob`, numbering them on from
 * where the task's checkpoint left off, so a job's id is fixed the moment it is packed. Due
 * recipients are packed page by page; held ones wait in open jobs kept in the outbox
 * (held-buckets.ts). Either way a checkpoint carries no recipients: the count of jobs made, and
 * the ids and sizes of the open ones.
 */
export class JobPacker {
  readonly #jobIdPrefix: string;
  #jobs: number;

  constructor(jobIdPrefix: string, jobs = 0) {
    this.#jobIdPrefix = jobIdPrefix;
    this.#jobs = jobs;
  }

  /** Jobs made so far: the next job's number. */
  get jobs(): number {
    return this.#jobs;
  }

  /** A job with a fresh id and no recipients yet, to be filled across pages. */
  open(template: JobTemplate): DeliveryJob {
    return { ...template, jobId: `${this.#jobIdPrefix}#${this.#jobs++}`, userIds: [] };
  }

  pack(template: JobTemplate, userIds: readonly string[]): DeliveryJob[] {
    const jobs: DeliveryJob[] = [];
    for (let start = 0; start < userIds.length; start += recipientsPerJob) {
      jobs.push({
        ...template,
        jobId: `${this.#jobIdPrefix}#${this.#jobs++}`,
        userIds: userIds.slice(start, start + recipientsPerJob),
      });
    }
    return jobs;
  }
}
