import { randomUUID } from 'node:crypto';
import { addUsage, type Usage } from '../domain/costs/price-table.ts';
import { RetryLaterError, WorkGaveUpError } from '../domain/errors.ts';
import type { OutcomeCount, OutcomeLedger } from '../domain/outcomes/outcome.ts';
import type { WorkLeases } from '../domain/work-leases.ts';
import { logger } from '../observability/logger.ts';
import { type RequestMeter, requestMeter } from '../observability/request-meter.ts';

/**
 * A unit of work that SQS may hand over more than once (a fan-out task, a delivery job), as the
 * runner sees it. The unit knows its own work; the runner knows leases, checkpoints, outcomes
 * and what to do when SQS's receives run out.
 */
export interface LeasedWork<C, R> {
  /** The unit's id: names its lease, its checkpoint and its batch of outcomes. */
  readonly id: string;
  /** What the unit is, for errors and the dead-letter reason: `fan-out task e1#r#0`. */
  readonly name: string;
  /** Times the unit was handed over already (see `handOver`). */
  readonly handovers: number;
  /**
   * Carries the work on from `checkpoint` (absent: from the start). Progress goes through `save`
   * before anything it covers is sent, so that a copy resuming from the checkpoint never sends
   * the same thing under another name.
   */
  run(checkpoint: C | undefined, save: (checkpoint: C) => Promise<void>): Promise<Finished<R>>;
  /**
   * The outcomes to record when the work is given up at `checkpoint`: what it had settled, and
   * every recipient still open counted failed `gave-up`. It may send once more what the
   * checkpoint says was packed (sends are idempotent by id).
   */
  settle(checkpoint: C | undefined): Promise<readonly OutcomeCount[]>;
  /** Puts the unit back on its queue as a new message, `handovers` one more. */
  handOver(): Promise<void>;
  /** The error that hands the message back to SQS while another copy holds the unit. */
  busy(): RetryLaterError;
}

export interface Finished<R> {
  readonly counts: readonly OutcomeCount[];
  readonly result: R;
  /** Runs once the counts are recorded for the first time (fatigue give-back). */
  readonly afterRecorded?: () => Promise<void>;
  /**
   * Billed units the unit knows of that no metered client saw (events, schedules); the runner
   * adds what the request meter measured while `run` ran and records it with the counts.
   */
  readonly usage?: Partial<Usage>;
}

export interface LeasedWorkDeps<C> {
  readonly leases: WorkLeases<C>;
  readonly outcomes: OutcomeLedger;
  /** Time the invocation has left (Lambda's context); unbounded when absent. */
  readonly timeLeftMs?: () => number;
  /** SQS's last receive of this message: the work ends here, one way or another. */
  readonly lastAttempt?: boolean;
  /** Measures what `run` used; the process's request meter when absent. */
  readonly meter?: Pick<RequestMeter, 'measure' | 'accounted' | 'currentName'>;
}

export type LeasedRun<R> =
  | { readonly status: 'done'; readonly result: R; readonly alreadyRecorded: boolean }
  | { readonly status: 'already-done' }
  | { readonly status: 'handed-over' };

/** Lease when the invocation has no deadline (the local runtime, tests). */
const DEFAULT_LEASE_MS = 6 * 60_000;
/**
 * A unit that could not run on its last receive (another copy held it, the deadline came first)
 * goes back on its queue as a new message this many times; after that it is given up.
 */
export const MAX_HANDOVERS = 3;

/**
 * Runs one unit of leased, checkpointed work, so that every recipient ends with exactly one
 * outcome on every path:
 * - finished work is skipped (its outcomes are recorded under the unit's id);
 * - a lease keeps two copies from running side by side; a copy that follows a killed worker
 *   resumes from the last checkpoint;
 * - a failure is handed back to SQS (the lease released, so the next copy starts at once);
 * - on SQS's last receive, work that could still finish (another copy holds it, the deadline
 *   came) is handed over as a new message, a few times at most; anything else, or a unit handed
 *   over too often, is given up: the lease is taken from whoever holds it (they can no longer
 *   save, so they stop before sending more), what the last checkpoint settled is recorded with
 *   every open recipient failed `gave-up`, and the message goes to the dead letters with the reason.
 * What `run` used (requests, its share of the Lambda invocation) is recorded with the unit's outcomes.
 */
export const runLeased = async <C, R>(
  work: LeasedWork<C, R>,
  deps: LeasedWorkDeps<C>,
): Promise<LeasedRun<R>> => {
  if (await deps.outcomes.wasRecorded(work.id)) return { status: 'already-done' };
  const owner = randomUUID();
  const timeLeft = deps.timeLeftMs?.() ?? Number.POSITIVE_INFINITY;
  const leaseMs = Number.isFinite(timeLeft) ? timeLeft + 5_000 : DEFAULT_LEASE_MS;
  const lease = await deps.leases.acquire(work.id, owner, leaseMs);
  if (lease.status === 'busy') {
    const busy = work.busy();
    if (!deps.lastAttempt) throw busy;
    return handOverOrGiveUp(work, deps, owner, leaseMs, busy);
  }

  let committed = lease.checkpoint;
  const save = async (checkpoint: C) => {
    await deps.leases.save(work.id, owner, checkpoint);
    committed = checkpoint;
  };
  try {
    const meter = deps.meter ?? requestMeter;
    const { value: finished, usage } = await meter.measure(() => work.run(lease.checkpoint, save));
    // The usage lands in the outcomes' own transaction, which counts its own units: no request of its own.
    const recorded = await meter.accounted(() =>
      deps.outcomes.record(work.id, finished.counts, {
        usage: addUsage(usage, finished.usage ?? {}),
        scope: meter.currentName(),
        day: new Date().toISOString().slice(0, 10),
      }),
    );
    // Best effort: the work is done and recorded; a give-back that fails errs on the side of sending less.
    if (recorded === 'recorded')
      await finished
        .afterRecorded?.()
        .catch((error: unknown) =>
          logger.warn('work recorded, its follow-up step failed', { unit: work.id, error: error as Error }),
        );
    return { status: 'done', result: finished.result, alreadyRecorded: recorded === 'already-recorded' };
  } catch (error) {
    const couldFinishLater = error instanceof RetryLaterError;
    // Still holding the lease, so nobody else can add to what the checkpoint says.
    if (deps.lastAttempt && !couldFinishLater) return giveUp(work, committed, deps, error);
    // A failure this worker sees is no crash: the next copy may start at once, from the checkpoint.
    await deps.leases.release(work.id, owner).catch(() => undefined);
    if (!deps.lastAttempt) throw error;
    return handOverOrGiveUp(work, deps, owner, leaseMs, error);
  }
};

/** On the last receive, work that could still finish goes back on its queue, a few times at most. */
const handOverOrGiveUp = async <C, R>(
  work: LeasedWork<C, R>,
  deps: LeasedWorkDeps<C>,
  owner: string,
  leaseMs: number,
  cause: unknown,
): Promise<LeasedRun<R>> => {
  if (work.handovers < MAX_HANDOVERS) {
    await work.handOver();
    return { status: 'handed-over' };
  }
  return giveUp(work, await deps.leases.seize(work.id, owner, leaseMs), deps, cause);
};

const giveUp = async <C, R>(
  work: LeasedWork<C, R>,
  checkpoint: C | undefined,
  deps: LeasedWorkDeps<C>,
  cause: unknown,
): Promise<LeasedRun<R>> => {
  const recorded = await deps.outcomes.record(work.id, await work.settle(checkpoint));
  // Another copy finished and recorded the unit first: nothing was given up.
  if (recorded === 'already-recorded') return { status: 'already-done' };
  throw new WorkGaveUpError(work.name, cause);
};
