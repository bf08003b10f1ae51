import { actionEventFor, type EmitAction, noActionBus } from '../domain/actions/action-event.ts';
import { LogBatch } from '../domain/engagement/log-batch.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import { type DeliveryCheckpoint, DeliveryJobBusyError } from '../domain/push/delivery-progress.ts';
import { type DeliverJobDeps, type DeliverJobResult, type JobResult, runJobWork } from './deliver-job.ts';
import { releaseFatigue, settledSoFar } from './delivery-sends.ts';
import type { Finished, LeasedWork } from './leased-work.ts';

/** A job of an emit recipe: each recipient gets an event on the bus instead of a push. */
export type EmitJob = DeliveryJob & { readonly emit: EmitAction };

/** Recipients per checkpoint: ten PutEvents requests of ten entries. */
const WINDOW = 100;
/** A window is started only with this much time left, so a deadline never cuts one in half. */
const WINDOW_TIME_MS = 30_000;

/**
 * Runs an emit recipe's job: for each recipient, one `herald.actions` event (the recipe's
 * detail-type, the recipient's `userId` and `actionId`) through the action bus, a window of 100 at
 * a time. An event the bus took counts the recipient `delivered` (so `planned = delivered +
 * suppressed + failed` holds for every action, and cost per delivered message reads alike); one it
 * refused or kept throttling counts `failed` with reason `emit:<code>`, and gives the fatigue slot
 * back when the bus never took it.
 *
 * Crash safety is the push's: on the leased-work runner, a checkpoint names each window before it
 * is emitted, and a copy resuming after a crash emits nothing of that window again (its recipients
 * are failed `interrupted`). Should an event still go out twice (a timeout after EventBridge took
 * it, then the publisher's retry), it carries the same detail and `actionId`: the recipe it
 * triggers dedupes on that identity, and so can a team's service.
 */
export const emitJob = (job: EmitJob, deps: DeliverJobDeps): Promise<DeliverJobResult> =>
  runJobWork(job, 'emit', emitWork(job, deps), deps);

const emitWork = (
  job: EmitJob,
  deps: DeliverJobDeps,
): Pick<LeasedWork<DeliveryCheckpoint, JobResult>, 'run' | 'settle'> => ({
  run: (checkpoint, save) => emitAll(job, checkpoint, save, deps),
  settle: async (checkpoint) => {
    const tally = settledSoFar(job, checkpoint, deps.clock);
    tally.add('failed', 'gave-up', job.variant, job.userIds.length - (checkpoint?.inFlightUntil ?? 0));
    return tally.entries();
  },
});

const emitAll = async (
  job: EmitJob,
  checkpoint: DeliveryCheckpoint | undefined,
  save: (checkpoint: DeliveryCheckpoint) => Promise<void>,
  deps: DeliverJobDeps,
): Promise<Finished<JobResult>> => {
  const bus = deps.actions ?? noActionBus;
  const timeLeft = deps.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const { jobId, variant } = job;
  const log = new LogBatch(deps.messageLog, {
    scope: job.recipeId,
    eventId: job.eventId,
    time: deps.clock.now().toISOString(),
  });
  const tally = settledSoFar(job, checkpoint, deps.clock, log);
  const saveAt = (cursor: number, inFlightUntil: number) =>
    save({ cursor, inFlightUntil, counts: tally.progress(), owed: [] });
  // Recipients the bus never took: their fatigue counts are given back once outcomes are recorded.
  const unsent: string[] = [];
  for (let start = checkpoint?.inFlightUntil ?? 0; start < job.userIds.length; start += WINDOW) {
    if (timeLeft() < WINDOW_TIME_MS) {
      await saveAt(start, start);
      await log.flush();
      throw new DeliveryJobBusyError(jobId, 'stopped before the invocation deadline');
    }
    const window = job.userIds.slice(start, start + WINDOW);
    await saveAt(start, start + window.length);
    const results = await bus.emit(window.map((userId) => actionEventFor(job.emit, job.recipeId, userId)));
    window.forEach((userId, i) => {
      const result = results[i];
      if (result?.status === 'emitted') {
        tally.add('delivered', '', variant);
        log.add({ step: 'published', userId, variant, jobId, messageId: result.eventId });
        log.add({ step: 'delivered', userId, variant, jobId });
        return;
      }
      const reason = `emit:${result?.code ?? 'NoAnswer'}`;
      tally.add('failed', reason, variant);
      log.add({ step: 'failed', userId, variant, jobId, reason });
      if (!result?.sent) unsent.push(userId);
    });
  }
  await log.flush();
  await saveAt(job.userIds.length, job.userIds.length);
  return {
    counts: tally.entries(),
    result: {
      delivered: tally.total('delivered'),
      suppressed: tally.total('suppressed'),
      failed: tally.total('failed'),
      owed: 0,
      disableErrors: 0,
    },
    afterRecorded: () => releaseFatigue(job, unsent, deps),
  };
};
