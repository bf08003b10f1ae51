import type { Clock } from '../domain/clock.ts';
import type { DeviceDirectory, StaleCandidate } from '../domain/push/device.ts';
import type { PushGateway } from '../domain/push/push-gateway.ts';

export interface PurgeStaleDevicesDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: Pick<PushGateway, 'deleteEndpoint'>;
  readonly clock: Clock;
  /** Time the invocation has left; the purge stops early rather than be cut off. */
  readonly timeLeftMs?: () => number;
}

export interface PurgeOptions {
  /** Devices whose app has not registered for this many days are removed. */
  readonly maxAgeDays: number;
  /** Parallel scan segments; more finish a large table sooner. */
  readonly segments?: number;
}

export interface PurgeResult {
  readonly candidates: number;
  readonly purged: number;
  /** False when the deadline stopped the scan; the next run starts over, the purge being idempotent. */
  readonly complete: boolean;
}

const DAY_MS = 86_400_000;
const STOP_WITH_MS = 20_000;
/** A user whose devices keep changing under the purge is left for the next run. */
const MAX_TRIES = 3;

/**
 * Removes one candidate's stale devices, conditionally on nobody touching them meanwhile, then
 * deletes their endpoints (after the removal: see unregister-device.ts). Returns how many went.
 */
const purgeCandidate = async (
  candidate: StaleCandidate,
  cutoff: Date,
  deps: PurgeStaleDevicesDeps,
): Promise<number> => {
  let devices = candidate.devices;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const stale = devices.filter((d) => d.lastSeen < cutoff);
    const keep = devices.filter((d) => d.lastSeen >= cutoff);
    // With nothing stale the write still corrects the item's lower bound, so the scan skips it next time.
    if (await deps.devices.removeStale(candidate.userId, stale, keep)) {
      for (const device of stale) await deps.gateway.deleteEndpoint(device.endpointArn);
      return stale.length;
    }
    devices = (await deps.devices.devicesOf([candidate.userId])).get(candidate.userId) ?? [];
  }
  return 0;
};

/** Purges devices unseen for `maxAgeDays`: their map entries and their SNS endpoints. */
export const purgeStaleDevices = async (
  options: PurgeOptions,
  deps: PurgeStaleDevicesDeps,
): Promise<PurgeResult> => {
  const cutoff = new Date(deps.clock.now().getTime() - options.maxAgeDays * DAY_MS);
  const timeLeft = deps.timeLeftMs ?? (() => Number.POSITIVE_INFINITY);
  const total = options.segments ?? 4;
  let candidates = 0;
  let purged = 0;
  let complete = true;
  await Promise.all(
    Array.from({ length: total }, async (_, index) => {
      for await (const page of deps.devices.staleCandidates(cutoff, { index, total })) {
        for (const candidate of page) {
          candidates++;
          // Not `purged += await ...`: that reads `purged` before the await, racing other segments.
          const removed = await purgeCandidate(candidate, cutoff, deps);
          purged += removed;
        }
        if (timeLeft() < STOP_WITH_MS) {
          complete = false;
          return;
        }
      }
    }),
  );
  return { candidates, purged, complete };
};
