import type { CampaignState } from '../domain/campaigns/lifecycle.ts';
import type { CampaignProgress } from '../domain/campaigns/progress.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { createCampaign, launchCampaign, startCampaign } from './campaign-commands.ts';
import {
  type CampaignControlDeps,
  cancelCampaign,
  pauseCampaign,
  resumeCampaign,
} from './campaign-controls.ts';
import { type DryRunDeps, type DryRunReport, dryRunCampaign } from './campaign-dry-run.ts';
import { type CampaignStatusDeps, campaignStatus, listCampaigns } from './campaign-status.ts';

/** What ops (and Scheduler, for `launch`) ask of the campaign function, as functions/contracts.ts parses it. */
export type CampaignRequest =
  | { readonly action: 'create' | 'dry-run'; readonly campaign: unknown }
  | {
      readonly action: 'start' | 'pause' | 'resume' | 'cancel' | 'status' | 'launch';
      readonly campaignId: string;
    }
  | { readonly action: 'list' };

/** What an action answers: the campaign's state after a command, its progress, or every campaign's. */
export type CampaignReply =
  | {
      readonly action: 'create' | 'start' | 'pause' | 'resume' | 'cancel' | 'launch';
      readonly state: CampaignState;
    }
  | { readonly action: 'dry-run'; readonly report: DryRunReport }
  | { readonly action: 'status'; readonly progress: CampaignProgress }
  | { readonly action: 'list'; readonly campaigns: readonly CampaignProgress[] };

export type CampaignActionDeps = CampaignControlDeps & CampaignStatusDeps & DryRunDeps;

/** The campaign ports of a deployment; one without campaigns cannot run this. */
export const campaignActionDeps = (ports: HeraldPorts): CampaignActionDeps => {
  const { campaigns, launches, deviceHolders, userLists } = ports;
  if (!campaigns || !launches || !deviceHolders || !userLists)
    throw new Error('campaign actions need the campaigns, launches, deviceHolders and userLists ports');
  return { ...ports, campaigns, launches, deviceHolders, userLists };
};

/**
 * One campaign action, recorded as taken `by` the caller (the IAM principal on AWS, the OS user
 * locally). The Lambda function and the local CLI both come through here, so the two routes
 * cannot drift apart.
 */
export const runCampaignAction = async (
  request: CampaignRequest,
  by: string,
  deps: CampaignActionDeps,
): Promise<CampaignReply> => {
  switch (request.action) {
    case 'create':
      return { action: 'create', state: await createCampaign(request.campaign, by, deps) };
    case 'dry-run':
      return { action: 'dry-run', report: await dryRunCampaign(request.campaign, deps) };
    case 'start':
      return { action: 'start', state: await startCampaign(request.campaignId, by, deps) };
    case 'pause':
      return { action: 'pause', state: await pauseCampaign(request.campaignId, by, deps) };
    case 'resume':
      return { action: 'resume', state: await resumeCampaign(request.campaignId, by, deps) };
    case 'cancel':
      return { action: 'cancel', state: await cancelCampaign(request.campaignId, by, deps) };
    case 'launch':
      return { action: 'launch', state: await launchCampaign(request.campaignId, deps) };
    case 'status':
      return { action: 'status', progress: await campaignStatus(request.campaignId, deps) };
    case 'list':
      return { action: 'list', campaigns: await listCampaigns(deps) };
  }
};
