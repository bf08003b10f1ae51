import { RetryLaterError } from '../errors.ts';
import type { ProgressCount } from '../outcomes/outcome.ts';
import type { DeliveryJob } from '../push/delivery-job.ts';
import type { WorkLeases } from '../work-leases.ts';
import type { OpenHeldJob } from './held-buckets.ts';

/**
 * Where a fan-out task stood when its worker last wrote it down: a cursor, counters and job ids,
 * a few KB whatever the audience. Everything up to `cursor` is counted and packed; `pending`
 * names the jobs packed last, which may not have been sent yet. Their bodies wait in the job
 * outbox, so a copy that follows a killed worker sends them again (same ids, same recipients:
 * the delivery side runs each once) and goes on after `cursor`. No recipient is packed twice,
 * and no job id ever names two different sets of recipients.
 */
export interface FanoutCheckpoint {
  /** Last account handled; absent before the first page. */
  readonly cursor?: string;
  /** Every page is read; only the pending jobs and the records are left. */
  readonly exhausted: boolean;
  /** Jobs packed so far: the next job's number. */
  readonly jobs: number;
  readonly planned: number;
  /** Accounts read that belong to this shard under the current layout. */
  readonly belonging: number;
  readonly counts: readonly ProgressCount[];
  /** Jobs of the last page, kept in the outbox, maybe not sent yet. */
  readonly pending: readonly string[];
  /** Held jobs still filling across pages: kept in the outbox, never sent yet. */
  readonly open?: readonly OpenHeldJob[];
  /** The time budget ran out at `cursor`: the rest of the slice goes on as a follow-up task. */
  readonly followUp?: boolean;
  /** A campaign reader's pacing counters (campaigns/pacing.ts): a resumed reader keeps its rate. */
  readonly pacer?: Readonly<Record<string, number>>;
}

/** Port: fan-out tasks' leases and checkpoints. */
export type FanoutProgress = WorkLeases<FanoutCheckpoint>;

/**
 * Port: jobs a fan-out task packed, kept from just before its checkpoint names them until well
 * after they are sent, so that a checkpoint holds ids rather than recipients.
 */
export interface JobOutbox {
  keep(jobs: readonly DeliveryJob[]): Promise<void>;
  /** The kept jobs of these ids; an id whose job is no longer kept is left out. */
  jobsOf(jobIds: readonly string[]): Promise<DeliveryJob[]>;
}

/** Another worker holds the task: SQS hands it over again later. */
export class FanoutTaskBusyError extends RetryLaterError {
  constructor(taskId: string, why: string) {
    super(`fan-out task ${taskId}: ${why}; it will be handed over again`);
    this.name = 'FanoutTaskBusyError';
  }
}
