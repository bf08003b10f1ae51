import type { FanoutCheckpoint } from '../domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { defaultFilterChain } from '../domain/audience/filters.ts';
import { type RecipientVerdict, SlicePlan } from '../domain/audience/slice-plan.ts';
import type { SliceSource } from '../domain/audience/slice-source.ts';
import type { Campaign } from '../domain/campaigns/campaign.ts';
import { rememberCampaignBusiness } from '../domain/campaigns/campaign-businesses.ts';
import { campaignPolicy, campaignRecipe } from '../domain/campaigns/campaign-recipe.ts';
import { type CampaignState, newCampaignState } from '../domain/campaigns/lifecycle.ts';
import { Pacer } from '../domain/campaigns/pacing.ts';
import { dueInstant } from '../domain/campaigns/schedule.ts';
import { campaignOrThrow } from '../domain/campaigns/store.ts';
import type { UserProfile } from '../domain/users/user.ts';
import { audiencePagesOf, type CampaignReadDeps, membersOf } from './campaign-audience.ts';
import type { FanOutDeps } from './fan-out-slice.ts';

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
  /** The campaign as it stands, when the caller has it (a dry run of a campaign not stored). */
  given?: CampaignState,
): Promise<SliceSource> => {
  const reader = task.campaign!;
  const read = requireCampaignPorts(deps);
  const state = given ?? (await campaignOrThrow(read.campaigns, reader.id));
  const campaign: Campaign = state.campaign;
  rememberCampaignBusiness(campaign.id, campaign.business);
  const plan = new SlicePlan(
    task,
    campaignRecipe(campaign),
    campaignPolicy(deps.policy, campaign),
    deps.filters ?? defaultFilterChain,
    now,
  );
  // Readers with less than a push a second each take turns across the interval, not all at once.
  const turn = reader.perSecond < 1 ? task.shard / reader.readers : 0;
  const pacer = new Pacer(reader.perSecond, checkpoint?.pacer ?? reader.pacer, turn);
  const runStart = new Date(task.plannedAt);
  const audience = campaign.audience[reader.source]!;
  const members = await membersOf(campaign, audience, read, now);
  let cancelled = state.status === 'cancelled';

  const judge = (user: UserProfile): RecipientVerdict => {
    const due = dueInstant(campaign.schedule, runStart, user.timeZone);
    const verdict = plan.judge(user, due);
    const { variant } = verdict;
    if (cancelled && (verdict.kind === 'due' || verdict.kind === 'held'))
      return { kind: 'suppressed', reason: 'cancelled', variant };
    // Never a second already past: a reader that fell behind goes on at the rate from now.
    const slot = (at: Date) => pacer.slot(at, deps.clock.now()).getTime();
    if (verdict.kind === 'due') return { kind: 'held', releaseAt: slot(due), variant };
    if (verdict.kind !== 'held') return verdict;
    if (campaign.quietHours === 'skip') return { kind: 'suppressed', reason: 'quiet-hours', variant };
    return { kind: 'held', releaseAt: slot(new Date(verdict.releaseAt)), variant };
  };

  return {
    plan,
    packsHeldAcrossPages: false,
    heldByClock: false,
    pages: (after) =>
      audiencePagesOf(audience, { index: task.shard, total: reader.readers }, after, read, now),
    beforePage: async () => {
      if (!given) cancelled = (await read.campaigns.get(reader.id))?.status === 'cancelled';
    },
    members,
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

/** A campaign's run as a reader sees it before it exists: for a dry run. */
export const draftState = (campaign: Campaign, at: Date): CampaignState =>
  newCampaignState(campaign, 'dry-run', at);
