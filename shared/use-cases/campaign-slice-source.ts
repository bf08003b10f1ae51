import { audiencePages } from '../domain/audience/audience-stream.ts';
import type { FanoutCheckpoint } from '../domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { defaultFilterChain } from '../domain/audience/filters.ts';
import { type RecipientVerdict, SlicePlan } from '../domain/audience/slice-plan.ts';
import type { SliceSource, SourcePage } from '../domain/audience/slice-source.ts';
import { asksAboutDevices, devicesMatch, profileMatches } from '../domain/campaigns/audience.ts';
import type { Audience, Campaign, SegmentAudience } from '../domain/campaigns/campaign.ts';
import { campaignPolicy, campaignRecipe } from '../domain/campaigns/campaign-recipe.ts';
import { Pacer } from '../domain/campaigns/pacing.ts';
import { dueInstant } from '../domain/campaigns/schedule.ts';
import { campaignOrThrow } from '../domain/campaigns/store.ts';
import { CANARY_USER_ID } from '../domain/recipes/canary.ts';
import { anonymousProfile, type UserProfile } from '../domain/users/user.ts';
import { type CampaignReadDeps, excludedIdsOf } from './campaign-exclusions.ts';
import type { FanOutDeps } from './fan-out-slice.ts';

async function* pagesOf(
  audience: Audience,
  task: FanoutTask,
  after: string | undefined,
  deps: FanOutDeps & CampaignReadDeps,
  now: Date,
): AsyncGenerator<SourcePage> {
  const pageSize = deps.pageSize ?? 1000;
  const reader = task.campaign!;
  if (audience.kind === 'relation') {
    const slice = {
      sources: [{ type: audience.relation, to: audience.target }],
      shard: task.shard,
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
        ? await segmentPage(
            audience,
            { index: task.shard, total: reader.readers },
            cursor,
            pageSize,
            deps,
            now,
          )
        : await deps.userLists.page(audience.location, cursor, pageSize);
    cursor = page.next;
    yield cursor === undefined ? { userIds: page.userIds } : { userIds: page.userIds, cursor };
  } while (cursor !== undefined);
}

const segmentPage = async (
  segment: SegmentAudience,
  scan: { index: number; total: number },
  after: string | undefined,
  limit: number,
  deps: CampaignReadDeps,
  now: Date,
) => {
  const { holders, next } = await deps.deviceHolders.holders(scan, after, limit);
  // The canary's phone is Herald's own, never a campaign's audience.
  const userIds = holders
    .filter((h) => h.userId !== CANARY_USER_ID && devicesMatch(segment, h.devices, now))
    .map((h) => h.userId);
  return next === undefined ? { userIds } : { userIds, next };
};

/**
 * One reader of a campaign run: reads its part of one audience (a relation shard, a Scan segment
 * of the users holding devices, or a list), leaves out who the segment's profile criteria and the
 * exclusions rule out, and judges each recipient at the instant their push is due (the run's
 * start, `at`, or a local time on their clock). Every push is paced: held until its second in
 * the reader's sequence, and reserved against the caps when released, as quiet-hour holds are.
 * A cancelled campaign's unread recipients end `suppressed: cancelled`.
 */
export const campaignSliceSource = async (
  task: FanoutTask,
  deps: FanOutDeps,
  now: Date,
  checkpoint: FanoutCheckpoint | undefined,
): Promise<SliceSource> => {
  const reader = task.campaign!;
  const read = requireCampaignPorts(deps);
  const state = await campaignOrThrow(read.campaigns, reader.id);
  const campaign: Campaign = state.campaign;
  const plan = new SlicePlan(
    task,
    campaignRecipe(campaign),
    campaignPolicy(deps.policy, campaign),
    deps.filters ?? defaultFilterChain,
    now,
  );
  const pacer = new Pacer(reader.perSecond, checkpoint?.pacer ?? reader.pacer);
  const runStart = new Date(task.plannedAt);
  const audience = campaign.audience[reader.source]!;
  const excluded = await excludedIdsOf(campaign, read);
  const segments = campaign.exclude.filter((e): e is SegmentAudience => e.kind === 'segment');
  let cancelled = state.status === 'cancelled';

  const judge = (user: UserProfile): RecipientVerdict => {
    const due = dueInstant(campaign.schedule, runStart, user.timeZone);
    const verdict = plan.judge(user, due);
    const { variant } = verdict;
    if (cancelled && (verdict.kind === 'due' || verdict.kind === 'held'))
      return { kind: 'suppressed', reason: 'cancelled', variant };
    if (verdict.kind === 'due') return { kind: 'held', releaseAt: pacer.slot(due).getTime(), variant };
    if (verdict.kind !== 'held') return verdict;
    if (campaign.quietHours === 'skip') return { kind: 'suppressed', reason: 'quiet-hours', variant };
    return { kind: 'held', releaseAt: pacer.slot(new Date(verdict.releaseAt)).getTime(), variant };
  };

  return {
    plan,
    pages: (after) => pagesOf(audience, task, after, read, now),
    beforePage: async () => {
      cancelled = (await read.campaigns.get(reader.id))?.status === 'cancelled';
    },
    members: async (userIds, profiles) => {
      const profileOf = (id: string) => profiles.get(id) ?? anonymousProfile(id);
      let ids = userIds.filter((id) => !excluded.has(id));
      if (audience.kind === 'segment') ids = ids.filter((id) => profileMatches(audience, profileOf(id)));
      if (segments.length === 0) return ids;
      const devices = segments.some(asksAboutDevices) ? await read.devices.devicesOf(ids) : new Map();
      const inExclusion = (segment: SegmentAudience, id: string) =>
        profileMatches(segment, profileOf(id)) &&
        (!asksAboutDevices(segment) || devicesMatch(segment, devices.get(id) ?? [], now));
      return ids.filter((id) => !segments.some((segment) => inExclusion(segment, id)));
    },
    judge,
    afterPage: async () => undefined,
    finish: async () => {
      await read.campaigns.sliceFinished(reader.id, reader.run, task.taskId.split('@')[0]!);
      return undefined;
    },
    pacing: () => pacer.snapshot(),
  };
};

const requireCampaignPorts = (deps: FanOutDeps): FanOutDeps & CampaignReadDeps => {
  const { campaigns, deviceHolders, userLists, devices } = deps;
  if (!campaigns || !deviceHolders || !userLists || !devices)
    throw new Error('a campaign reader needs the campaigns, deviceHolders, userLists and devices ports');
  return { ...deps, campaigns, deviceHolders, userLists, devices };
};
