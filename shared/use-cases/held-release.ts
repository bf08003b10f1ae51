import { type FatigueLedger, suppressionOf } from '../domain/fatigue/reservation.ts';
import { type DeliveryJob, originalJobId } from '../domain/push/delivery-job.ts';
import type { UserProfile } from '../domain/users/user.ts';

/**
 * Reserves the fatigue slots of a held job's window in the windows of its release instant, owned
 * by the original job so that a retried copy finds its own. Returns who may not be pushed, and why.
 */
export const reserveAtRelease = async (
  job: DeliveryJob,
  window: readonly string[],
  profiles: ReadonlyMap<string, UserProfile>,
  fatigue: FatigueLedger,
): Promise<Map<string, string>> => {
  const reservation = job.fatigue!;
  const settledBefore = new Set(job.settledUserIds ?? []);
  const recipients = window.filter((userId) => !settledBefore.has(userId));
  const results = await fatigue.reserve(
    recipients.map((userId) => ({
      userId,
      timeZone: reservation.timeZone ?? profiles.get(userId)?.timeZone ?? 'UTC',
      at: new Date(reservation.at),
      dedupeKey: reservation.dedupeKey,
      owner: originalJobId(job.jobId),
      counters: reservation.counters,
      enforce: reservation.enforce,
      count: reservation.count,
    })),
  );
  const blocked = new Map<string, string>();
  results.forEach((result, i) => {
    const reason = suppressionOf(result);
    if (reason) blocked.set(recipients[i]!, reason);
  });
  return blocked;
};
