import { audiencePages } from '../domain/audience/audience-stream.ts';
import type { SourcePage } from '../domain/audience/slice-source.ts';
import {
  asksAboutDevices,
  type DeviceHolders,
  devicesMatch,
  MAX_EXCLUDED_IDS,
  profileMatches,
  type UserLists,
} from '../domain/campaigns/audience.ts';
import type { Audience, Campaign, SegmentAudience } from '../domain/campaigns/campaign.ts';
import type { CampaignStore } from '../domain/campaigns/store.ts';
import { ValidationError } from '../domain/errors.ts';
import type { DeviceDirectory, ScanSegment } from '../domain/push/device.ts';
import { CANARY_USER_ID } from '../domain/recipes/canary.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { anonymousProfile, type UserProfile } from '../domain/users/user.ts';

/** The ports reading a campaign's audience takes. */
export interface CampaignReadDeps {
  readonly campaigns: CampaignStore;
  readonly deviceHolders: DeviceHolders;
  readonly userLists: UserLists;
  readonly devices: Pick<DeviceDirectory, 'devicesOf'>;
  readonly relations: Pick<RelationStore, 'audiencePage'>;
  readonly pageSize?: number;
}

const segmentPage = async (
  segment: SegmentAudience,
  scan: ScanSegment,
  after: string | undefined,
  limit: number,
  deviceHolders: DeviceHolders,
  now: Date,
) => {
  const { holders, next } = await deviceHolders.holders(scan, after, limit);
  // The canary's phone is Herald's own, never a campaign's audience.
  const userIds = holders
    .filter((h) => h.userId !== CANARY_USER_ID && devicesMatch(segment, h.devices, now))
    .map((h) => h.userId);
  return next === undefined ? { userIds } : { userIds, next };
};

/**
 * Part `scan` of one audience, page by page after `after`: a relation shard (`scan.index`), a
 * Scan segment of the users holding devices, or a list (read whole by part 0).
 */
export async function* audiencePagesOf(
  audience: Audience,
  scan: ScanSegment,
  after: string | undefined,
  deps: Omit<CampaignReadDeps, 'campaigns' | 'devices'>,
  now: Date,
): AsyncGenerator<SourcePage> {
  const pageSize = deps.pageSize ?? 1000;
  if (audience.kind === 'relation') {
    const slice = {
      sources: [{ type: audience.relation, to: audience.target }],
      shard: scan.index,
      at: now,
      after,
    };
    for await (const page of audiencePages(deps.relations, slice, pageSize))
      yield { userIds: page, cursor: page[page.length - 1]! };
    return;
  }
  let cursor = after;
  do {
    const page =
      audience.kind === 'segment'
        ? await segmentPage(audience, scan, cursor, pageSize, deps.deviceHolders, now)
        : await deps.userLists.page(audience.location, cursor, pageSize);
    cursor = page.next;
    yield cursor === undefined ? { userIds: page.userIds } : { userIds: page.userIds, cursor };
  } while (cursor !== undefined);
}

/**
 * The ids of a campaign's exclusion lists, held as a set while a reader runs: bounded, since a
 * list that excludes more than a million users is better written as a segment.
 */
export const excludedIdsOf = async (
  campaign: Campaign,
  deps: Pick<CampaignReadDeps, 'userLists'>,
): Promise<ReadonlySet<string>> => {
  const ids = new Set<string>();
  for (const [index, exclusion] of campaign.exclude.entries()) {
    if (exclusion.kind !== 'list') continue;
    let after: string | undefined;
    do {
      const page = await deps.userLists.page(exclusion.location, after, 10_000);
      for (const id of page.userIds) ids.add(id);
      if (ids.size > MAX_EXCLUDED_IDS)
        throw new ValidationError(
          `campaign.exclude[${index}]`,
          `lists exclude more than ${MAX_EXCLUDED_IDS} users; exclude a segment instead`,
        );
      after = page.next;
    } while (after !== undefined);
  }
  return ids;
};

export type MembersOf = (
  userIds: readonly string[],
  profiles: ReadonlyMap<string, UserProfile>,
) => Promise<readonly string[]>;

/**
 * Who of a page is in the campaign's audience: a segment's profile criteria hold, and no
 * exclusion (a list, or a segment, read with their devices when it asks about devices) has them.
 */
export const membersOf = async (
  campaign: Campaign,
  audience: Audience,
  deps: Pick<CampaignReadDeps, 'userLists' | 'devices'>,
  now: Date,
): Promise<MembersOf> => {
  const excluded = await excludedIdsOf(campaign, deps);
  const segments = campaign.exclude.filter((e): e is SegmentAudience => e.kind === 'segment');
  return async (userIds, profiles) => {
    const profileOf = (id: string) => profiles.get(id) ?? anonymousProfile(id);
    let ids = userIds.filter((id) => !excluded.has(id));
    if (audience.kind === 'segment') ids = ids.filter((id) => profileMatches(audience, profileOf(id)));
    if (segments.length === 0) return ids;
    const devices = segments.some(asksAboutDevices) ? await deps.devices.devicesOf(ids) : new Map();
    const inExclusion = (segment: SegmentAudience, id: string) =>
      profileMatches(segment, profileOf(id)) &&
      (!asksAboutDevices(segment) || devicesMatch(segment, devices.get(id) ?? [], now));
    return ids.filter((id) => !segments.some((segment) => inExclusion(segment, id)));
  };
};
