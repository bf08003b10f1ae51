import { RetryLaterError } from '../errors.ts';
import type { ProgressCount } from '../push/delivery-progress.ts';
import type { WorkLeases } from '../work-leases.ts';
import type { FanoutTask } from './fanout-task.ts';
import type { CarriedRecipients, PackedJobs } from './job-packer.ts';

/**
 * Where a fan-out task stood when its worker last wrote it down. Everything before `cursor` is
 * counted and packed; `outbox` is what was packed last and may not have been sent yet. A copy
 * that follows a killed worker sends the outbox again (same job ids, same recipients, so the
 * delivery side runs each once) and goes on after `cursor`: no recipient is packed twice, and
 * no job id ever names two different sets of recipients.
 */
export interface FanoutCheckpoint {
  /** Last account handled; absent before the first page. */
  readonly cursor?: string;
  /** Every page is read; only the outbox and the records are left. */
  readonly exhausted: boolean;
  readonly jobs: number;
  readonly planned: number;
  readonly belonging: number;
  readonly counts: readonly ProgressCount[];
  readonly carried: readonly CarriedRecipients[];
  readonly outbox: PackedJobs & { readonly followUp?: FanoutTask };
}

/** Port: fan-out tasks' leases and checkpoints. */
export type FanoutProgress = WorkLeases<FanoutCheckpoint>;

/** Another worker holds the task: SQS hands it over again later. */
export class FanoutTaskBusyError extends RetryLaterError {
  constructor(taskId: string, why: string) {
    super(`fan-out task ${taskId}: ${why}; it will be handed over again`);
    this.name = 'FanoutTaskBusyError';
  }
}
