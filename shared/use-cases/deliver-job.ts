import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { RetryLaterError, WorkGaveUpError } from '../domain/errors.ts';
import type { FatigueLedger } from '../domain/fatigue/reservation.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import { type DeliveryJob, followUpJobId } from '../domain/push/delivery-job.ts';
import {
  type DeliveryCheckpoint,
  DeliveryJobBusyError,
  type DeliveryProgress,
  type OwedDevices,
} from '../domain/push/delivery-progress.ts';
import type { Device, DeviceDirectory, Platform } from '../domain/push/device.ts';
import { PayloadTooLargeError, type PlatformPush, platformPush } from '../domain/push/payload.ts';
import type { PublishResult, PushGateway } from '../domain/push/push-gateway.ts';
import { type DeviceAttempt, judgeRecipient } from '../domain/push/recipient-verdict.ts';
import {
  defaultThrottlePolicy,
  publishWithBackoff,
  type ThrottlePolicy,
} from '../domain/push/throttle-policy.ts';
import type { UserDirectory } from '../domain/users/user.ts';

export interface DeliverJobDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: Pick<PushGateway, 'publish'>;
  readonly outcomes: OutcomeLedger;
  readonly deliveryProgress: DeliveryProgress;
  /** Where follow-up jobs go: the delivery queue itself. */
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly clock: Clock;
  /** Publishes in flight at once per job. */
  readonly concurrency?: number;
  readonly throttle?: Partial<ThrottlePolicy>;
  /** Time the invocation has left (Lambda's context); unbounded when absent. */
  readonly timeLeftMs?: () => number;
  /** SQS's last delivery of this job: on a failure, settle everyone still open as failed `gave-up`. */
  readonly lastAttempt?: boolean;
  /** Where the fatigue counts of pushes never sent are given back; with `users` for their time zones. */
  readonly fatigue?: FatigueLedger;
  readonly users?: UserDirectory;
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
}

/**
 * Recipients per checkpoint, as many as one BatchGetItem resolves. A worker killed mid-window
 * leaves at most this many recipients unconfirmed; a window costs one read and one write.
 */
const WINDOW = 100;
/** A window is started only with this much time left, so a deadline never cuts one in half. */
const WINDOW_TIME_MS = 30_000;
/** Lease when the invocation has no deadline (tests, the local runtime). */
const DEFAULT_LEASE_MS = 180_000;

/** Runs `work` over `items` with at most `limit` in flight. */
const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
};

interface Send {
  readonly userId: string;
  readonly device: Device;
  /** Known without publishing: a device of a follow-up disabled since. */
  readonly known?: PublishResult;
}

/** The sends a recipient is owed: every enabled device, or only the devices a follow-up names. */
const sendsOf = (job: DeliveryJob, userId: string, devices: readonly Device[] = []): Send[] => {
  const only = job.onlyDevices?.[userId];
  if (!only) return devices.filter((d) => d.enabled).map((device) => ({ userId, device }));
  return devices
    .filter((d) => only.includes(d.deviceId))
    .map((device) =>
      device.enabled
        ? { userId, device }
        : {
            userId,
            device,
            known: { status: 'endpoint-disabled', reason: device.disabledReason ?? 'EndpointDisabled' },
          },
    );
};

/**
 * Delivers one job: resolves recipients to their enabled devices a window of 100 at a time,
 * publishes the platform payload to each device, disables endpoints the platform says are gone,
 * and records one terminal outcome per recipient (delivered when any device got the push).
 *
 * No device gets the push twice for one job, whatever happens to the worker:
 * - the job's ledger marker skips a job that finished; a lease keeps two copies from running at once;
 * - before publishing a window the worker writes a checkpoint naming it. A copy that resumes after
 *   a crash skips finished windows and does not push the window in flight again: its recipients
 *   are counted failed `interrupted` (at most once rather than at least once);
 * - throttled sends are retried in process with jittered backoff, then handed, device by device,
 *   to one follow-up job with a derived id, sent before the outcomes are recorded. The recipient's
 *   outcome is counted by whichever job settles it, once.
 * Cost per job of 500: one GetItem, one lease write, five BatchGetItem, six checkpoint writes and
 * one transaction, about 0.02 DynamoDB requests per push.
 */
export const deliverJob = async (job: DeliveryJob, deps: DeliverJobDeps): Promise<DeliverJobResult> => {
  if (await deps.outcomes.wasRecorded(job.jobId))
    return { delivered: 0, suppressed: 0, failed: 0, owed: 0, disableErrors: 0, alreadyDone: true };
  const owner = randomUUID();
  const timeLeft = deps.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const leaseMs = Number.isFinite(timeLeft()) ? timeLeft() + 5_000 : DEFAULT_LEASE_MS;
  const lease = await deps.deliveryProgress.acquire(job.jobId, owner, leaseMs);
  if (lease.status === 'busy') throw new DeliveryJobBusyError(job.jobId, 'another worker holds it');
  try {
    return await resume(job, owner, lease.checkpoint, deps, timeLeft);
  } catch (error) {
    // A failure this worker sees is no crash: the next copy may start at once, from the checkpoint.
    await deps.deliveryProgress.release(job.jobId, owner).catch(() => undefined);
    throw error;
  }
};

const resume = async (
  job: DeliveryJob,
  owner: string,
  checkpoint: DeliveryCheckpoint | undefined,
  deps: DeliverJobDeps,
  timeLeft: () => number,
): Promise<DeliverJobResult> => {
  const policy: ThrottlePolicy = { ...defaultThrottlePolicy, ...deps.throttle };
  const attempt = job.attempt ?? 0;
  const settledBefore = new Set(job.settledUserIds ?? []);
  const tally = new OutcomeTally(job.recipeId, job.eventTime ? new Date(job.eventTime) : deps.clock.now());
  const owed: OwedDevices[] = [...(checkpoint?.owed ?? [])];
  for (const c of checkpoint?.counts ?? []) tally.add(c.outcome, c.reason, c.variant, c.count);
  // Recipients of the window a killed worker was pushing may or may not have the push: none is
  // pushed again, each is counted failed `interrupted`.
  const resumeAt = checkpoint?.inFlightUntil ?? 0;
  for (const userId of job.userIds.slice(checkpoint?.cursor ?? 0, resumeAt)) {
    if (!settledBefore.has(userId)) tally.add('failed', 'interrupted', job.variant);
  }
  const save = (at: number, inFlightUntil: number) =>
    deps.deliveryProgress.save(job.jobId, owner, {
      cursor: at,
      inFlightUntil,
      counts: tally
        .entries()
        .map(({ outcome, reason, variant, count }) => ({ outcome, reason, variant, count })),
      owed,
    });

  const pushes = new Map<Platform, PlatformPush | PayloadTooLargeError>();
  const pushFor = (platform: Platform) => {
    if (!pushes.has(platform)) {
      const context = { eventId: job.eventId, recipeId: job.recipeId, variant: job.variant };
      try {
        pushes.set(platform, platformPush(platform, job.push, context));
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        pushes.set(platform, error);
      }
    }
    return pushes.get(platform)!;
  };
  let disableErrors = 0;
  const personalPushFor = (userId: string, platform: Platform) => {
    const personal = job.pushes?.[userId];
    if (!personal) return pushFor(platform);
    try {
      return platformPush(platform, personal, {
        eventId: job.eventId,
        recipeId: job.recipeId,
        variant: job.variant,
      });
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      return error;
    }
  };
  const deliver = async ({ userId, device, known }: Send): Promise<PublishResult> => {
    if (known) return known;
    const push = personalPushFor(userId, device.platform);
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
  // Recipients before this index have their outcome in the tally (or settled earlier).
  let judgedUntil = resumeAt;
  let followUp: DeliveryJob | undefined;
  try {
    for (let start = resumeAt; start < job.userIds.length; start += WINDOW) {
      if (timeLeft() < WINDOW_TIME_MS) {
        await save(start, start);
        throw new DeliveryJobBusyError(job.jobId, 'stopped before the invocation deadline');
      }
      const window = job.userIds.slice(start, start + WINDOW);
      const devicesByUser = await deps.devices.devicesOf(window);
      await save(start, start + window.length);
      const attempts = new Map<string, DeviceAttempt[]>(window.map((userId) => [userId, []]));
      const sends = window.flatMap((userId) => sendsOf(job, userId, devicesByUser.get(userId)));
      await forEachLimited(sends, deps.concurrency ?? 16, async (send) => {
        const result = await deliver(send);
        attempts.get(send.userId)!.push({ deviceId: send.device.deviceId, result });
      });
      for (const userId of window) {
        const verdict = judgeRecipient(
          attempts.get(userId)!,
          settledBefore.has(userId),
          attempt < policy.maxFollowUps,
        );
        if (verdict.outcome) tally.add(verdict.outcome.outcome, verdict.outcome.reason, job.variant);
        if (verdict.outcome && NOTHING_SENT.has(verdict.outcome.reason) && !settledBefore.has(userId))
          unsent.push(userId);
        if (verdict.owed.length > 0) owed.push({ userId, deviceIds: verdict.owed, settled: verdict.settled });
      }
      judgedUntil = start + window.length;
    }
    await save(job.userIds.length, job.userIds.length);

    if (owed.length > 0) {
      const next: DeliveryJob = {
        jobId: followUpJobId(job.jobId, attempt + 1),
        eventId: job.eventId,
        ...(job.eventTime ? { eventTime: job.eventTime } : {}),
        recipeId: job.recipeId,
        variant: job.variant,
        push: job.push,
        userIds: owed.map((o) => o.userId),
        attempt: attempt + 1,
        onlyDevices: Object.fromEntries(owed.map((o) => [o.userId, o.deviceIds])),
        ...(job.pushes
          ? {
              pushes: Object.fromEntries(
                owed.flatMap((o) => (job.pushes?.[o.userId] ? [[o.userId, job.pushes[o.userId]!]] : [])),
              ),
            }
          : {}),
        ...(job.fatigue ? { fatigue: job.fatigue } : {}),
        settledUserIds: owed.filter((o) => o.settled).map((o) => o.userId),
      };
      await deps.delivery.send([next], { delaySeconds: policy.followUpDelaySeconds(attempt + 1) });
      followUp = next;
    }
  } catch (error) {
    if (!deps.lastAttempt || error instanceof RetryLaterError) throw error;
    // SQS will not hand this job over again: settle everyone still open, at most once.
    const open = new Set(job.userIds.slice(judgedUntil).filter((userId) => !settledBefore.has(userId)));
    // Devices still owed stay open unless their follow-up job went out (it settles them).
    if (!followUp) for (const o of owed) if (!o.settled) open.add(o.userId);
    tally.add('failed', 'gave-up', job.variant, open.size);
    await deps.outcomes.record(job.jobId, tally.entries());
    throw new WorkGaveUpError(`delivery job ${job.jobId}`, error);
  }
  const recorded = await deps.outcomes.record(job.jobId, tally.entries());
  if (recorded === 'recorded') await releaseFatigue(job, unsent, deps);
  const count = (outcome: string) =>
    tally
      .entries()
      .filter((c) => c.outcome === outcome)
      .reduce((n, c) => n + c.count, 0);
  return {
    delivered: count('delivered'),
    suppressed: count('suppressed'),
    failed: count('failed'),
    owed: owed.length,
    ...(followUp ? { followUpJobId: followUp.jobId } : {}),
    disableErrors,
    alreadyDone: recorded === 'already-recorded',
  };
};

/**
 * Outcomes where no device can have shown the push. An unknown SNS failure (a timeout, a 5xx) may
 * still have been delivered, so it keeps its fatigue count.
 */
const NOTHING_SENT: ReadonlySet<string> = new Set([
  'no-device',
  'endpoint-disabled',
  'payload-too-large',
  'throttled',
]);

/**
 * Gives back the fatigue counts of recipients who got nothing (no device, a permanent failure),
 * after their outcomes are recorded: a crash in between leaves the counts taken, which errs on
 * the side of sending less. Recipients whose push may have gone out (`interrupted`) keep them.
 */
const releaseFatigue = async (
  job: DeliveryJob,
  unsent: readonly string[],
  deps: DeliverJobDeps,
): Promise<void> => {
  if (!job.fatigue || !deps.fatigue || !deps.users || unsent.length === 0) return;
  const profiles = await deps.users.profilesOf(unsent);
  const at = new Date(job.fatigue.at);
  await deps.fatigue.release(
    unsent.map((userId) => ({
      userId,
      timeZone: profiles.get(userId)?.timeZone ?? 'UTC',
      at,
      dedupeKey: `${job.eventId}#${job.recipeId}`,
      owner: job.jobId,
      counters: job.fatigue!.counters,
      enforce: false,
      count: true,
    })),
  );
};
