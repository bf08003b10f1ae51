import { RetryLaterError } from '../errors.ts';
import type { ProgressCount } from '../outcomes/outcome.ts';
import type { WorkLeaseResult, WorkLeases } from '../work-leases.ts';

/** Devices of one recipient still owed the push, handed to a follow-up job. */
export interface OwedDevices {
  readonly userId: string;
  readonly deviceIds: readonly string[];
  /** The recipient's outcome is already counted (another device got the push). */
  readonly settled: boolean;
}

/**
 * Where a delivery job stood when its worker last wrote it down. Recipients before `cursor` are
 * finished; those in [`cursor`, `inFlightUntil`) were being pushed when the checkpoint was
 * written, so after a crash nobody can tell which of them got the push.
 */
export interface DeliveryCheckpoint {
  readonly cursor: number;
  readonly inFlightUntil: number;
  readonly counts: readonly ProgressCount[];
  readonly owed: readonly OwedDevices[];
}

export type LeaseResult = WorkLeaseResult<DeliveryCheckpoint>;

/**
 * Port: per-job leases and checkpoints. The lease keeps two copies of one job (SQS delivers at
 * least once) from pushing side by side; checkpoints let a redelivered job resume where a killed
 * worker stopped instead of pushing everyone again. `save` throws DeliveryJobBusyError when the
 * lease passed to another worker.
 */
export type DeliveryProgress = WorkLeases<DeliveryCheckpoint>;

/**
 * Another worker holds the job, or this worker stopped early to finish before its deadline.
 * Deliberately not a HeraldError: the message must go back to SQS and be retried, not be moved
 * to the dead letters.
 */
export class DeliveryJobBusyError extends RetryLaterError {
  constructor(jobId: string, why: string) {
    super(`delivery job ${jobId}: ${why}; SQS will hand it over again`);
    this.name = 'DeliveryJobBusyError';
  }
}
