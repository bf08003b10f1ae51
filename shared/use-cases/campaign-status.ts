import { campaignScope } from '../domain/campaigns/campaign.ts';
import { transition } from '../domain/campaigns/lifecycle.ts';
import { type CampaignProgress, counterDaysOf, progressOf, runIsOver } from '../domain/campaigns/progress.ts';
import { campaignOrThrow } from '../domain/campaigns/store.ts';
import { HERALD, launchCampaign } from './campaign-commands.ts';
import { type CampaignControlDeps, sweepParked } from './campaign-controls.ts';

export type CampaignStatusDeps = CampaignControlDeps;

/**
 * A campaign's progress from its outcome counters (those of the days its runs were launched on:
 * keyed reads, so a status watched every second costs the same on a table of years). A run found over is marked so here (`completed`,
 * or `scheduled` again for a recurring campaign, whose next run launches at once if it came due
 * while this one still ran).
 */
export const campaignStatus = async (
  campaignId: string,
  deps: CampaignStatusDeps,
): Promise<CampaignProgress> => {
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  await sweepParked(state, deps);
  const finished = state.run ? await deps.campaigns.finishedReaders(campaignId, state.run) : 0;
  const scope = campaignScope(campaignId);
  const summary = await deps.outcomes.summaryOf(scope, counterDaysOf(state));
  const progress = progressOf(state, summary, finished);
  if (!runIsOver(progress)) return progress;
  const now = deps.clock.now();
  const over = transition(state, 'complete', HERALD, now);
  await deps.campaigns.save(over);
  if (over.status === 'scheduled' && over.launchAt && Date.parse(over.launchAt) <= now.getTime())
    return progressOf(await launchCampaign(campaignId, deps), summary, 0);
  return progressOf(over, summary, finished);
};

/** Campaigns whose status a list reads at once: each reads 16 counter keys per launch day. */
const LIST_CONCURRENCY = 4;

/** Every campaign with its progress, oldest first: each from the counters of its own days. */
export const listCampaigns = async (deps: CampaignStatusDeps): Promise<CampaignProgress[]> => {
  const states = await deps.campaigns.list();
  const progress: CampaignProgress[] = [];
  for (let start = 0; start < states.length; start += LIST_CONCURRENCY)
    progress.push(
      ...(await Promise.all(
        states.slice(start, start + LIST_CONCURRENCY).map((s) => campaignStatus(s.campaign.id, deps)),
      )),
    );
  return progress;
};
