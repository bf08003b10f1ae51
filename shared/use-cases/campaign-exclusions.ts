import { type DeviceHolders, MAX_EXCLUDED_IDS, type UserLists } from '../domain/campaigns/audience.ts';
import type { Campaign } from '../domain/campaigns/campaign.ts';
import type { CampaignStore } from '../domain/campaigns/store.ts';
import { ValidationError } from '../domain/errors.ts';
import type { DeviceDirectory } from '../domain/push/device.ts';

/** The ports a campaign reader uses besides a recipe slice's. */
export interface CampaignReadDeps {
  readonly campaigns: CampaignStore;
  readonly deviceHolders: DeviceHolders;
  readonly userLists: UserLists;
  readonly devices: Pick<DeviceDirectory, 'devicesOf'>;
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
