import { type DeliveryJob, type RenderedPush, recipientsPerJob } from '../push/delivery-job.ts';

/** Recipients packed but not yet in a full job, by the instant they may be delivered. */
export interface CarriedRecipients {
  readonly releaseAt: number;
  readonly userIds: readonly string[];
  readonly pushes?: Readonly<Record<string, RenderedPush>>;
}

/** Full jobs, split into those due now and those held until a later instant. */
export interface PackedJobs {
  readonly due: readonly DeliveryJob[];
  readonly held: readonly { readonly releaseAt: number; readonly jobs: readonly DeliveryJob[] }[];
}

/**
 * Packs recipients into delivery jobs of `recipientsPerJob`, one stream per release instant.
 * Its whole state (the job counter and the carried recipients) is plain data, so a fan-out task
 * can write it into a checkpoint and a later copy can go on packing exactly where it stopped.
 */
export class JobPacker {
  readonly #jobIdPrefix: string;
  readonly #template: Omit<DeliveryJob, 'jobId' | 'userIds'>;
  readonly #byRelease = new Map<number, { userIds: string[]; pushes: Map<string, RenderedPush> }>();
  #jobs: number;

  constructor(
    jobIdPrefix: string,
    template: Omit<DeliveryJob, 'jobId' | 'userIds'>,
    jobs = 0,
    carried: readonly CarriedRecipients[] = [],
  ) {
    this.#jobIdPrefix = jobIdPrefix;
    this.#template = template;
    this.#jobs = jobs;
    for (const c of carried) {
      this.#byRelease.set(c.releaseAt, {
        userIds: [...c.userIds],
        pushes: new Map(Object.entries(c.pushes ?? {})),
      });
    }
  }

  /** Jobs made so far: the next job's number. */
  get jobs(): number {
    return this.#jobs;
  }

  add(userId: string, releaseAt: number, personal?: RenderedPush): void {
    let bucket = this.#byRelease.get(releaseAt);
    if (!bucket) {
      bucket = { userIds: [], pushes: new Map() };
      this.#byRelease.set(releaseAt, bucket);
    }
    bucket.userIds.push(userId);
    if (personal) bucket.pushes.set(userId, personal);
  }

  /** Takes the full jobs out (every recipient, in partly filled jobs too, when `all`). */
  take(all: boolean, now: number): PackedJobs {
    const due: DeliveryJob[] = [];
    const held: { releaseAt: number; jobs: DeliveryJob[] }[] = [];
    for (const [releaseAt, bucket] of this.#byRelease) {
      const jobs: DeliveryJob[] = [];
      while (bucket.userIds.length >= recipientsPerJob || (all && bucket.userIds.length > 0)) {
        const userIds = bucket.userIds.splice(0, recipientsPerJob);
        jobs.push({
          ...this.#template,
          jobId: `${this.#jobIdPrefix}#${this.#jobs++}`,
          userIds,
          ...this.#pushesOf(bucket, userIds),
        });
      }
      if (jobs.length === 0) continue;
      if (releaseAt <= now) due.push(...jobs);
      else held.push({ releaseAt, jobs });
    }
    for (const [releaseAt, bucket] of this.#byRelease)
      if (bucket.userIds.length === 0) this.#byRelease.delete(releaseAt);
    return { due, held };
  }

  /** The recipients not in a job yet, as plain data for a checkpoint. */
  carried(): CarriedRecipients[] {
    return [...this.#byRelease].map(([releaseAt, bucket]) => ({
      releaseAt,
      userIds: [...bucket.userIds],
      ...(bucket.pushes.size > 0 ? { pushes: Object.fromEntries(bucket.pushes) } : {}),
    }));
  }

  #pushesOf(
    bucket: { pushes: Map<string, RenderedPush> },
    userIds: readonly string[],
  ): Pick<DeliveryJob, 'pushes'> {
    if (bucket.pushes.size === 0) return {};
    const pushes: Record<string, RenderedPush> = {};
    for (const id of userIds) {
      const push = bucket.pushes.get(id);
      if (push) pushes[id] = push;
      bucket.pushes.delete(id);
    }
    return { pushes };
  }
}
