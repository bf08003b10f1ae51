import { wallClock } from '../fatigue/calendar.ts';
import { type DeliveryJob, recipientsPerJob } from '../push/delivery-job.ts';
import type { JobPacker, JobTemplate } from './job-packer.ts';

/** Held recipients share a job when they share variant, release instant and, if known, clock. */
const heldKey = (variant: string, releaseAt: number, timeZone: string | undefined): string =>
  `${variant}|${releaseAt}|${timeZone ? wallClock(new Date(releaseAt), timeZone) : ''}`;

const bucketOf = ({ variant, releaseAt, fatigue }: JobTemplate): string =>
  heldKey(variant, Date.parse(releaseAt ?? ''), fatigue?.timeZone);

/**
 * A held job still filling, as a fan-out checkpoint names it: its body waits in the job outbox,
 * and the checkpoint vouches for its first `recipients` (a worker killed after keeping a longer
 * body but before its checkpoint leaves recipients the next copy reads again).
 */
export interface OpenHeldJob {
  readonly jobId: string;
  readonly variant: string;
  readonly recipients: number;
}

interface Bucket {
  job: DeliveryJob;
  /** Whether the outbox holds the job as it stands. */
  kept: boolean;
}

/**
 * Held recipients of one slice, packed per (variant, release instant, clock) across pages. Users spread
 * over time zones make a page of 1,000 split into a dozen release instants; packed page by page,
 * night jobs averaged under 80 recipients, each paying a hold, a queue round trip and a delivery
 * lease. Here a bucket stays open until it holds a full job or the slice ends, so held jobs are
 * as full as due ones. An open job is kept in the outbox (rewritten when it grows) and named in
 * the checkpoint, never sent, so a crash loses nobody and packs nobody twice.
 */
export class HeldBuckets {
  readonly #packer: JobPacker;
  readonly #open = new Map<string, Bucket>();
  #closed: Bucket[] = [];

  constructor(packer: JobPacker) {
    this.#packer = packer;
  }

  /** Adds held recipients; returns which job each went to (for the message log). */
  add(template: JobTemplate, userIds: readonly string[]): { jobId: string; userIds: string[] }[] {
    const key = bucketOf(template);
    const placed: { jobId: string; userIds: string[] }[] = [];
    let rest = userIds;
    while (rest.length > 0) {
      let bucket = this.#open.get(key);
      if (!bucket) {
        bucket = { job: this.#packer.open(template), kept: false };
        this.#open.set(key, bucket);
      }
      const taken = rest.slice(0, recipientsPerJob - bucket.job.userIds.length);
      rest = rest.slice(taken.length);
      bucket.job = { ...bucket.job, userIds: [...bucket.job.userIds, ...taken] };
      bucket.kept = false;
      placed.push({ jobId: bucket.job.jobId, userIds: taken });
      if (bucket.job.userIds.length >= recipientsPerJob) {
        this.#closed.push(bucket);
        this.#open.delete(key);
      }
    }
    return placed;
  }

  /** Closes every open job, to be sent with the next commit: the slice ends or hands over. */
  closeAll(): void {
    this.#closed.push(...this.#open.values());
    this.#open.clear();
  }

  /**
   * What the next commit does: jobs to keep in the outbox first (every job changed since it was
   * last kept, open or not), then the full or closed jobs to send.
   */
  take(): { keep: DeliveryJob[]; send: DeliveryJob[] } {
    const all = [...this.#closed, ...this.#open.values()];
    const keep = all.filter((b) => !b.kept).map((b) => b.job);
    for (const bucket of all) bucket.kept = true;
    const send = this.#closed.map((b) => b.job);
    this.#closed = [];
    return { keep, send };
  }

  /** The open jobs, for the checkpoint. */
  get open(): OpenHeldJob[] {
    return [...this.#open.values()].map(({ job }) => ({
      jobId: job.jobId,
      variant: job.variant,
      recipients: job.userIds.length,
    }));
  }

  /**
   * Reopens the jobs a checkpoint names from the bodies the outbox kept, cut to the recipients
   * the checkpoint vouches for. Returns the named jobs the outbox no longer has (or has only
   * shorter than named).
   */
  restore(named: readonly OpenHeldJob[], kept: readonly DeliveryJob[]): OpenHeldJob[] {
    const bodies = new Map(kept.map((job) => [job.jobId, job]));
    const missing: OpenHeldJob[] = [];
    for (const entry of named) {
      const body = bodies.get(entry.jobId);
      // A body shorter than the checkpoint vouches for is not the one it names.
      if (!body || body.userIds.length < entry.recipients) {
        missing.push(entry);
        continue;
      }
      const job = { ...body, userIds: body.userIds.slice(0, entry.recipients) };
      this.#open.set(bucketOf(job), {
        job,
        kept: job.userIds.length === body.userIds.length,
      });
    }
    return missing;
  }
}

/** A page's recipients held to one instant; with `timeZone` when they share its clock then. */
export interface HeldGroup {
  readonly variant: string;
  readonly releaseAt: number;
  readonly timeZone?: string;
  readonly userIds: string[];
}

/** Adds a held recipient to its page's group. */
export const holdIn = (
  groups: Map<string, HeldGroup>,
  variant: string,
  releaseAt: number,
  timeZone: string | undefined,
  userId: string,
) => {
  const key = heldKey(variant, releaseAt, timeZone);
  const group = groups.get(key);
  if (group) group.userIds.push(userId);
  else groups.set(key, { variant, releaseAt, ...(timeZone ? { timeZone } : {}), userIds: [userId] });
};
