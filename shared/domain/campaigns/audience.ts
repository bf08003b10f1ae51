import type { Device, ScanSegment } from '../push/device.ts';
import type { UserProfile } from '../users/user.ts';
import type { ListAudience, SegmentAudience } from './campaign.ts';

/** A page of a campaign's audience, and where the next page starts. */
export interface AudiencePage {
  readonly userIds: readonly string[];
  /** Resume after here; absent when the audience is read to its end. */
  readonly next?: string;
}

/** A user and the devices they hold, as a segment reader sees them. */
export interface DeviceHolder {
  readonly userId: string;
  readonly devices: readonly Device[];
}

/**
 * Port: every user holding a device, a parallel Scan segment at a time (on AWS the Devices
 * table, one item per user), a page of at most `limit` users per call.
 */
export interface DeviceHolders {
  holders(
    segment: ScanSegment,
    after: string | undefined,
    limit: number,
  ): Promise<{ readonly holders: readonly DeviceHolder[]; readonly next?: string }>;
  /** About how many users hold a device (DynamoDB's item count, refreshed every few hours). */
  approximateCount(): Promise<number>;
}

/** Port: uploaded lists of user ids (S3 objects on AWS, files locally), read a page at a time. */
export interface UserLists {
  page(location: string, after: string | undefined, limit: number): Promise<AudiencePage>;
}

const DAY_MS = 86_400_000;

/** Whether a user's devices place them in the segment: some enabled device of a wanted platform, seen lately. */
export const devicesMatch = (segment: SegmentAudience, devices: readonly Device[], now: Date): boolean =>
  devices.some(
    (d) =>
      d.enabled &&
      (!segment.platforms || segment.platforms.includes(d.platform)) &&
      (!segment.apps || segment.apps.includes(d.app)) &&
      (!segment.lastSeenWithinDays ||
        now.getTime() - d.lastSeen.getTime() <= segment.lastSeenWithinDays * DAY_MS),
  );

/** Whether a user's profile places them in the segment: time zone, flags and opt-outs. */
export const profileMatches = (segment: SegmentAudience, user: UserProfile): boolean =>
  (!segment.timeZones || segment.timeZones.includes(user.timeZone)) &&
  (segment.withFlags ?? []).every((f) => user.flags.includes(f)) &&
  !(segment.withoutFlags ?? []).some((f) => user.flags.includes(f)) &&
  !(segment.notOptedOutOf ?? []).some((o) => user.optOuts.includes(o));

/** Whether a segment says anything about devices, so that checking it needs them read. */
export const asksAboutDevices = (segment: SegmentAudience): boolean =>
  segment.platforms !== undefined || segment.apps !== undefined || segment.lastSeenWithinDays !== undefined;

/** How a campaign's exclusion lists are held while a reader runs: a set, bounded. */
export const MAX_EXCLUDED_IDS = 1_000_000;

export type Exclusion = SegmentAudience | ListAudience;
