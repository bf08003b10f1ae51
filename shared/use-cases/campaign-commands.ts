import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { parseCampaign } from '../domain/campaigns/campaign.ts';
import type { CampaignLaunches } from '../domain/campaigns/launches.ts';
import { type CampaignState, newCampaignState, transition } from '../domain/campaigns/lifecycle.ts';
import { launchInstant, nextLaunch } from '../domain/campaigns/schedule.ts';
import { type CampaignStore, campaignOrThrow } from '../domain/campaigns/store.ts';
import type { Clock } from '../domain/clock.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { RelationStore } from '../domain/relations/relation.ts';
import { campaignReaders } from './campaign-readers.ts';

/** Herald's own name in a campaign's history, for the steps no person takes. */
export const HERALD = 'herald';

export interface CampaignCommandDeps {
  readonly campaigns: CampaignStore;
  readonly clock: Clock;
  readonly launches: CampaignLaunches;
  readonly fanout: WorkQueue<FanoutTask>;
  readonly relations: Pick<RelationStore, 'shardCountOf'>;
}

/** Validates a campaign (errors name the field) and keeps it as a draft. */
export const createCampaign = async (
  input: unknown,
  by: string,
  deps: Pick<CampaignCommandDeps, 'campaigns' | 'clock'>,
): Promise<CampaignState> => {
  const state = newCampaignState(parseCampaign(input), by, deps.clock.now());
  await deps.campaigns.create(state);
  return state;
};

/** Schedules a draft: its first run launches now, or is asked of the launch scheduler for later. */
export const startCampaign = async (
  campaignId: string,
  by: string,
  deps: CampaignCommandDeps,
): Promise<CampaignState> => {
  const now = deps.clock.now();
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  const launchAt = launchInstant(state.campaign.schedule, now);
  const started = transition(state, 'start', by, now, { launchAt: launchAt.toISOString() });
  await deps.campaigns.save(started);
  if (launchAt <= now) return launchCampaign(campaignId, deps);
  await deps.launches.schedule(campaignId, launchAt);
  return started;
};

/**
 * Starts a run: its readers go to the fan-out queue (ids fixed by the run, so a launch retried
 * after a failure sends the same tasks, which run once), and the next run of a recurring
 * campaign is scheduled. A launch that finds the campaign paused or cancelled does nothing: a
 * resume launches what came due meanwhile.
 */
export const launchCampaign = async (
  campaignId: string,
  deps: CampaignCommandDeps,
): Promise<CampaignState> => {
  const now = deps.clock.now();
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  const recurringDue = state.status === 'running' && state.campaign.schedule.kind === 'recurring';
  if (state.status !== 'scheduled' && !recurringDue) return state;
  if (!state.launchAt && recurringDue) return state;
  if (state.launchAt && Date.parse(state.launchAt) > now.getTime()) return state;
  const run = `r${state.runs + 1}`;
  const readers = await campaignReaders(state.campaign, run, now, deps.relations);
  await deps.fanout.send(readers);
  const next = nextLaunch(state.campaign, now);
  const { launchAt: _, ...rest } = state;
  const launched = transition(rest, 'launch', HERALD, now, {
    run,
    runs: state.runs + 1,
    slices: readers.length,
    ...(next ? { launchAt: next.toISOString() } : {}),
  });
  await deps.campaigns.save(launched);
  if (next) await deps.launches.schedule(campaignId, next);
  return launched;
};
