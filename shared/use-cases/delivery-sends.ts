import type { Clock } from '../domain/clock.ts';
import type { LogBatch } from '../domain/engagement/log-batch.ts';
import type { FatigueLedger } from '../domain/fatigue/reservation.ts';
import { OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import { type DeliveryJob, followUpJobId, type RenderedPush } from '../domain/push/delivery-job.ts';
import type { DeliveryCheckpoint, OwedDevices } from '../domain/push/delivery-progress.ts';
import type { Device, Platform } from '../domain/push/device.ts';
import { PayloadTooLargeError, type PlatformPush, platformPush } from '../domain/push/payload.ts';
import { renderPersonal } from '../domain/push/personal-push.ts';
import type { PublishResult } from '../domain/push/push-gateway.ts';
import { defaultThrottlePolicy, type ThrottlePolicy } from '../domain/push/throttle-policy.ts';
import type { UserDirectory, UserProfile } from '../domain/users/user.ts';

/** Runs `work` over `items` with at most `limit` in flight. */
export const forEachLimited = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
) => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
};

export interface Send {
  readonly userId: string;
  readonly device: Device;
  /** Known without publishing: a device of a follow-up disabled since. */
  readonly known?: PublishResult;
}

/**
 * The sends a recipient is owed: every enabled device of the job's app (of every app when it
 * names none), or only the devices a follow-up names.
 */
export const sendsOf = (job: DeliveryJob, userId: string, all: readonly Device[] = []): Send[] => {
  const devices = job.app === undefined ? all : all.filter((d) => d.app === job.app);
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
 * The platform payloads of a job: the shared push once per platform, or for a personalised job
 * the push rendered for each recipient from their profile. A payload over the platform's limit
 * is an answer too (`PayloadTooLargeError`): that recipient fails, the others go on.
 */
export class JobPayloads {
  readonly #job: DeliveryJob;
  readonly #push: RenderedPush;
  readonly #shared = new Map<Platform, PlatformPush | PayloadTooLargeError>();

  constructor(job: DeliveryJob) {
    if (!job.push) throw new Error(`job ${job.jobId} carries no push`);
    this.#job = job;
    this.#push = job.push;
  }

  /**
   * The payload for one device. With a receipt token (one per user and device) it is built for
   * that device alone; without one, the shared push is built once per platform.
   */
  for(
    platform: Platform,
    recipient: UserProfile | undefined,
    receipt?: string,
  ): PlatformPush | PayloadTooLargeError {
    const text = this.#job.personal && recipient ? renderPersonal(this.#job.personal, recipient) : this.#push;
    if (receipt || text !== this.#push) return this.#build(platform, text, receipt);
    let push = this.#shared.get(platform);
    if (!push) {
      push = this.#build(platform, text);
      this.#shared.set(platform, push);
    }
    return push;
  }

  #build(platform: Platform, push: RenderedPush, receipt?: string): PlatformPush | PayloadTooLargeError {
    const { eventId, recipeId, variant } = this.#job;
    try {
      return platformPush(platform, push, { eventId, recipeId, variant, ...(receipt ? { receipt } : {}) });
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      return error;
    }
  }
}

/** The follow-up job that pushes the devices still owed (throttled sends); its id derives from the job's. */
export const followUpJob = (job: DeliveryJob, owed: readonly OwedDevices[]): DeliveryJob => {
  const attempt = (job.attempt ?? 0) + 1;
  const { handovers: _, ...rest } = job;
  return {
    ...rest,
    jobId: followUpJobId(job.jobId, attempt),
    userIds: owed.map((o) => o.userId),
    attempt,
    onlyDevices: Object.fromEntries(owed.map((o) => [o.userId, o.deviceIds])),
    settledUserIds: owed.filter((o) => o.settled).map((o) => o.userId),
  };
};

/**
 * Outcomes where no device can have shown the push. An unknown SNS failure (a timeout, a 5xx) may
 * still have been delivered, so it keeps its fatigue count.
 */
export const NOTHING_SENT: ReadonlySet<string> = new Set([
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
export const releaseFatigue = async (
  job: DeliveryJob,
  unsent: readonly string[],
  deps: { readonly fatigue: FatigueLedger; readonly users: UserDirectory },
): Promise<void> => {
  const reservation = job.fatigue;
  if (!reservation?.count || unsent.length === 0) return;
  const profiles = reservation.timeZone ? new Map() : await deps.users.profilesOf(unsent);
  const at = new Date(reservation.at);
  await deps.fatigue.release(
    unsent.map((userId) => ({
      userId,
      timeZone: reservation.timeZone ?? profiles.get(userId)?.timeZone ?? 'UTC',
      at,
      dedupeKey: reservation.dedupeKey,
      owner: job.jobId,
      counters: reservation.counters,
      enforce: false,
      count: true,
    })),
  );
};

/**
 * What a checkpoint says is settled: its counts, and the window a killed worker was pushing.
 * Those recipients may or may not have the push: none is pushed again, each is failed `interrupted`.
 */
export const settledSoFar = (
  job: DeliveryJob,
  checkpoint: DeliveryCheckpoint | undefined,
  clock: Clock,
  log?: LogBatch,
) => {
  const tally = new OutcomeTally(job.recipeId, job.eventTime ? new Date(job.eventTime) : clock.now());
  tally.restore(checkpoint?.counts);
  const settledBefore = new Set(job.settledUserIds ?? []);
  for (const userId of job.userIds.slice(checkpoint?.cursor ?? 0, checkpoint?.inFlightUntil ?? 0)) {
    if (settledBefore.has(userId)) continue;
    tally.add('failed', 'interrupted', job.variant);
    log?.add({ step: 'failed', userId, variant: job.variant, jobId: job.jobId, reason: 'interrupted' });
  }
  return tally;
};

/** Receipt tokens stay valid this long after the push: opens come days later, rarely weeks. */
export const RECEIPT_LIFETIME_S = 30 * 86_400;

export const sendFollowUp = (
  job: DeliveryJob,
  owed: readonly OwedDevices[],
  deps: { readonly delivery: WorkQueue<DeliveryJob>; readonly throttle?: Partial<ThrottlePolicy> },
) => {
  const policy: ThrottlePolicy = { ...defaultThrottlePolicy, ...deps.throttle };
  const next = followUpJob(job, owed);
  return deps.delivery
    .send([next], { delaySeconds: policy.followUpDelaySeconds(next.attempt!) })
    .then(() => next);
};
