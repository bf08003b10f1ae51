import type { ActionBus } from '../domain/actions/action-event.ts';
import type { Clock } from '../domain/clock.ts';
import { LogBatch } from '../domain/engagement/log-batch.ts';
import type { MessageLog } from '../domain/engagement/message-log.ts';
import type { ReceiptSigner } from '../domain/engagement/receipt.ts';
import type { FatigueLedger } from '../domain/fatigue/reservation.ts';
import type { OutcomeLedger } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import {
  type DeliveryCheckpoint,
  DeliveryJobBusyError,
  type DeliveryProgress,
  type OwedDevices,
} from '../domain/push/delivery-progress.ts';
import type { DeviceDirectory } from '../domain/push/device.ts';
import { PayloadTooLargeError } from '../domain/push/payload.ts';
import { readsProfile } from '../domain/push/personal-push.ts';
import type { PublishResult, PushGateway } from '../domain/push/push-gateway.ts';
import { type DeviceAttempt, judgeRecipient } from '../domain/push/recipient-verdict.ts';
import {
  defaultThrottlePolicy,
  publishWithBackoff,
  type ThrottlePolicy,
} from '../domain/push/throttle-policy.ts';
import type { UserDirectory, UserProfile } from '../domain/users/user.ts';
import {
  forEachLimited,
  JobPayloads,
  NOTHING_SENT,
  RECEIPT_LIFETIME_S,
  releaseFatigue,
  type Send,
  sendFollowUp,
  sendsOf,
  settledSoFar,
} from './delivery-sends.ts';
import { type EmitJob, emitJob } from './emit-job.ts';
import { reserveAtRelease } from './held-release.ts';
import { type Finished, type LeasedWork, runLeased } from './leased-work.ts';

export interface DeliverJobDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: Pick<PushGateway, 'publish'>;
  /** Where an emit recipe's jobs put their events; absent: every emit fails `emit:NoActionBus`. */
  readonly actions?: ActionBus;
  readonly outcomes: OutcomeLedger;
  readonly deliveryProgress: DeliveryProgress;
  /** Where follow-up jobs go: the delivery queue itself. */
  readonly delivery: WorkQueue<DeliveryJob>;
  /** Held jobs reserve their fatigue slot here when released; unsent pushes give theirs back. */
  readonly fatigue: FatigueLedger;
  /** Profiles: time zones for fatigue windows, and the recipient of a personalised push. */
  readonly users: UserDirectory;
  readonly clock: Clock;
  /** Signs the receipt token each push carries, per user and device; pushes carry none when absent. */
  readonly receipts?: ReceiptSigner;
  /** Where every step of every message is recorded, a window per batch; nothing when absent. */
  readonly messageLog?: MessageLog;
  /** Publishes in flight at once per job. */
  readonly concurrency?: number;
  readonly throttle?: Partial<ThrottlePolicy>;
  /** Time the invocation has left (Lambda's context); unbounded when absent. */
  readonly timeLeftMs?: () => number;
  /** SQS's last delivery of this job: the job ends here, settled or handed over. */
  readonly lastAttempt?: boolean;
}

export interface DeliverJobResult {
  readonly delivered: number;
  readonly suppressed: number;
  readonly failed: number;
  /** Recipients handed to a follow-up job with the devices still owed the push. */
  readonly owed: number;
  readonly followUpJobId?: string;
  /** Devices the platform reported gone whose disabling could not be written (retried next push). */
  readonly disableErrors: number;
  readonly alreadyDone: boolean;
  /** Set when SQS's receives ran out and the job went back on the queue as a new message. */
  readonly handedOver?: boolean;
}

/** What a job's run counts; the runner adds whether it had run before or was handed over. */
export type JobResult = Omit<DeliverJobResult, 'alreadyDone' | 'handedOver'>;

/**
 * Runs a job's work on the leased-work runner, push or emit alike, and says how it went. A job
 * is leased under its id; handed over, it goes back on the delivery queue as itself.
 */
export const runJobWork = async (
  job: DeliveryJob,
  kind: 'delivery' | 'emit',
  work: Pick<LeasedWork<DeliveryCheckpoint, JobResult>, 'run' | 'settle'>,
  deps: DeliverJobDeps,
): Promise<DeliverJobResult> => {
  const leased: LeasedWork<DeliveryCheckpoint, JobResult> = {
    ...work,
    id: job.jobId,
    name: `${kind} job ${job.jobId}`,
    handovers: job.handovers ?? 0,
    handOver: () => deps.delivery.send([{ ...job, handovers: (job.handovers ?? 0) + 1 }]),
    busy: () => new DeliveryJobBusyError(job.jobId, 'another worker holds it'),
  };
  const run = await runLeased(leased, {
    leases: deps.deliveryProgress,
    outcomes: deps.outcomes,
    ...(deps.timeLeftMs ? { timeLeftMs: deps.timeLeftMs } : {}),
    ...(deps.lastAttempt ? { lastAttempt: true } : {}),
  });
  if (run.status === 'done') return { ...run.result, alreadyDone: run.alreadyRecorded };
  const nothing = { delivered: 0, suppressed: 0, failed: 0, owed: 0, disableErrors: 0 };
  return { ...nothing, alreadyDone: run.status === 'already-done', handedOver: run.status === 'handed-over' };
};

/**
 * Recipients per checkpoint, as many as one BatchGetItem resolves. A worker killed mid-window
 * leaves at most this many recipients unconfirmed; a window costs one read and one write.
 */
const WINDOW = 100;
/** A window is started only with this much time left, so a deadline never cuts one in half. */
const WINDOW_TIME_MS = 30_000;

/**
 * Delivers one job: resolves recipients to their enabled devices a window of 100 at a time,
 * publishes the platform payload to each device, disables endpoints the platform says are gone,
 * and records one terminal outcome per recipient (delivered when any device got the push).
 * A held job first reserves each recipient's fatigue slot in the windows of its release: over a
 * cap by then, the recipient is suppressed with the layer's reason and gets nothing.
 *
 * The job runs on the leased-work runner. No device gets the push twice, whatever happens to
 * the worker: before publishing a window the worker writes a checkpoint naming it; a copy that
 * resumes after a crash does not push the window in flight again, its recipients are counted
 * failed `interrupted` (at most once rather than at least once). Throttled sends are retried in
 * process with jittered backoff, then handed, device by device, to one follow-up job with a
 * derived id. Cost per job of 500: one GetItem, one lease write, five BatchGetItem, six
 * checkpoint writes and one transaction, about 0.02 DynamoDB requests per push.
 */
export const deliverJob = async (job: DeliveryJob, deps: DeliverJobDeps): Promise<DeliverJobResult> => {
  if (job.emit) return emitJob(job as EmitJob, deps);
  return runJobWork(job, 'delivery', deliveryWork(job, deps), deps);
};

const deliveryWork = (
  job: DeliveryJob,
  deps: DeliverJobDeps,
): Pick<LeasedWork<DeliveryCheckpoint, JobResult>, 'run' | 'settle'> => ({
  run: (checkpoint, save) => deliver(job, checkpoint, save, deps),
  settle: async (checkpoint) => {
    const tally = settledSoFar(job, checkpoint, deps.clock);
    const settledBefore = new Set(job.settledUserIds ?? []);
    const open = job.userIds.slice(checkpoint?.inFlightUntil ?? 0).filter((id) => !settledBefore.has(id));
    tally.add('failed', 'gave-up', job.variant, open.length);
    // Devices still owed are settled by their follow-up job, if it can still be sent.
    const owed = checkpoint?.owed ?? [];
    if (owed.length > 0) {
      const sent = await sendFollowUp(job, owed, deps).then(
        () => true,
        () => false,
      );
      if (!sent) tally.add('failed', 'gave-up', job.variant, owed.filter((o) => !o.settled).length);
    }
    return tally.entries();
  },
});

const deliver = async (
  job: DeliveryJob,
  checkpoint: DeliveryCheckpoint | undefined,
  save: (checkpoint: DeliveryCheckpoint) => Promise<void>,
  deps: DeliverJobDeps,
): Promise<Finished<JobResult>> => {
  const policy: ThrottlePolicy = { ...defaultThrottlePolicy, ...deps.throttle };
  const timeLeft = deps.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const attempt = job.attempt ?? 0;
  const settledBefore = new Set(job.settledUserIds ?? []);
  // One batch of message records per job (one Firehose record on AWS): a window's each would
  // cost 0.01 requests per push. A worker killed mid-job loses the records of its finished
  // windows; their outcomes stand in the counters all the same.
  const log = new LogBatch(deps.messageLog, {
    scope: job.recipeId,
    eventId: job.eventId,
    time: deps.clock.now().toISOString(),
  });
  const tally = settledSoFar(job, checkpoint, deps.clock, log);
  const owed: OwedDevices[] = [...(checkpoint?.owed ?? [])];
  const saveAt = (cursor: number, inFlightUntil: number) =>
    save({ cursor, inFlightUntil, counts: tally.progress(), owed });
  const payloads = new JobPayloads(job);
  // A held job reserves its slots at release; a follow-up's recipients were reserved by its original.
  const reservesAtRelease = job.fatigue !== undefined && !job.fatigue.reserved && attempt === 0;
  // Profiles give a held job's recipients their clocks (unless the job has theirs) and a
  // personalised push what it names of them beyond their id.
  const needsProfiles =
    (reservesAtRelease && !job.fatigue?.timeZone) ||
    (job.personal !== undefined && readsProfile(job.personal));
  let disableErrors = 0;

  const receiptOf = (userId: string, deviceId: string) =>
    deps.receipts?.sign({
      eventId: job.eventId,
      scope: job.recipeId,
      variant: job.variant,
      userId,
      deviceId,
      expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + RECEIPT_LIFETIME_S,
    });
  const publish = async (
    { userId, device, known }: Send,
    recipient?: UserProfile,
  ): Promise<PublishResult> => {
    if (known) return known;
    const push = payloads.for(device.platform, recipient, await receiptOf(userId, device.deviceId));
    if (push instanceof PayloadTooLargeError) return { status: 'failed', reason: 'payload-too-large' };
    const result = await publishWithBackoff(deps.gateway, device.endpointArn, push, policy);
    if (result.status === 'endpoint-disabled') {
      // A failed write must not stop the window: the next push to this endpoint disables it again.
      await deps.devices.disable(userId, device.deviceId, result.reason).catch(() => disableErrors++);
    }
    return result;
  };

  // Recipients no device got the push: their fatigue counts are given back once outcomes are recorded.
  const unsent: string[] = [];
  for (let start = checkpoint?.inFlightUntil ?? 0; start < job.userIds.length; start += WINDOW) {
    if (timeLeft() < WINDOW_TIME_MS) {
      await saveAt(start, start);
      await log.flush();
      throw new DeliveryJobBusyError(job.jobId, 'stopped before the invocation deadline');
    }
    const window = job.userIds.slice(start, start + WINDOW);
    const [devicesByUser, profiles] = await Promise.all([
      deps.devices.devicesOf(window),
      needsProfiles ? deps.users.profilesOf(window) : new Map<string, UserProfile>(),
    ]);
    const blocked = reservesAtRelease
      ? await reserveAtRelease(job, window, profiles, deps.fatigue)
      : new Map<string, string>();
    if (reservesAtRelease)
      for (const userId of window)
        log.add({ step: 'released', userId, variant: job.variant, jobId: job.jobId });
    await saveAt(start, start + window.length);
    // Counted after the checkpoint that names the window in flight: a copy resuming after a crash
    // counts that whole window `interrupted`, so these must not be in its counts already.
    for (const [userId, reason] of blocked) {
      tally.add('suppressed', reason, job.variant);
      log.add({ step: 'suppressed', userId, variant: job.variant, jobId: job.jobId, reason });
    }
    const pushTo = window.filter((userId) => !blocked.has(userId));
    const attempts = new Map<string, DeviceAttempt[]>(pushTo.map((userId) => [userId, []]));
    const sends = pushTo.flatMap((userId) => sendsOf(job, userId, devicesByUser.get(userId)));
    await forEachLimited(sends, deps.concurrency ?? 16, async (send) => {
      const result = await publish(send, profiles.get(send.userId) ?? { ...anonymous, id: send.userId });
      attempts.get(send.userId)!.push({ deviceId: send.device.deviceId, result });
      if (result.status === 'sent')
        log.add({
          step: 'published',
          userId: send.userId,
          variant: job.variant,
          jobId: job.jobId,
          deviceId: send.device.deviceId,
          messageId: result.messageId,
        });
    });
    for (const userId of pushTo) {
      const verdict = judgeRecipient(
        attempts.get(userId)!,
        settledBefore.has(userId),
        attempt < policy.maxFollowUps,
      );
      if (verdict.outcome) {
        const { outcome, reason } = verdict.outcome;
        tally.add(outcome, reason, job.variant);
        log.add({
          step: outcome,
          userId,
          variant: job.variant,
          jobId: job.jobId,
          ...(reason ? { reason } : {}),
        });
      }
      if (verdict.outcome && NOTHING_SENT.has(verdict.outcome.reason) && !settledBefore.has(userId))
        unsent.push(userId);
      if (verdict.owed.length > 0) owed.push({ userId, deviceIds: verdict.owed, settled: verdict.settled });
    }
  }
  await log.flush();
  await saveAt(job.userIds.length, job.userIds.length);
  const followUp = owed.length > 0 ? await sendFollowUp(job, owed, deps) : undefined;
  return {
    counts: tally.entries(),
    result: {
      delivered: tally.total('delivered'),
      suppressed: tally.total('suppressed'),
      failed: tally.total('failed'),
      owed: owed.length,
      ...(followUp ? { followUpJobId: followUp.jobId } : {}),
      disableErrors,
    },
    afterRecorded: () => releaseFatigue(job, unsent, deps),
  };
};

const anonymous = { timeZone: 'UTC', flags: [], optOuts: [] };
