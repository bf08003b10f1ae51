import { campaignScope } from '../domain/campaigns/campaign.ts';
import type { CampaignStatus } from '../domain/campaigns/lifecycle.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { watchedLaunches } from '../local/local-campaigns.ts';
import { createCampaign, startCampaign } from '../use-cases/campaign-commands.ts';
import {
  type CampaignControlDeps,
  cancelCampaign,
  pauseCampaign,
  resumeCampaign,
} from '../use-cases/campaign-controls.ts';
import { campaignStatus } from '../use-cases/campaign-status.ts';
import type { Scenario } from './scenario.ts';

/** A campaign's line in a report (README, "Campaigns"): `planned = delivered + suppressed + failed`. */
export interface CampaignReport {
  readonly status: CampaignStatus;
  readonly planned: number;
  readonly delivered: number;
  readonly suppressed: Record<string, number>;
  readonly failed: Record<string, number>;
  readonly firstPushAt?: string;
  readonly lastPushAt?: string;
}

/** One thing that happens in a scenario besides its events: ops start or steer a campaign. */
export type CampaignStep =
  | { readonly kind: 'start'; readonly time: string; readonly step: CampaignStart }
  | { readonly kind: 'operate'; readonly time: string; readonly step: CampaignOperation };
type CampaignStart = NonNullable<Scenario['campaigns']>[number];
type CampaignOperation = NonNullable<Scenario['operations']>[number];

export const campaignStepsOf = (scenario: Scenario): CampaignStep[] => [
  ...(scenario.campaigns ?? []).map((step) => ({ kind: 'start' as const, time: step.time, step })),
  ...(scenario.operations ?? []).map((step) => ({ kind: 'operate' as const, time: step.time, step })),
];

const controlDeps = (ports: HeraldPorts): CampaignControlDeps => ({
  ...ports,
  campaigns: ports.campaigns!,
  launches: ports.launches ?? watchedLaunches,
});

/** Plays one campaign step on the runtime's ports, at the clock's current instant. */
export const playCampaignStep = async (ports: HeraldPorts, step: CampaignStep): Promise<void> => {
  const deps = controlDeps(ports);
  if (step.kind === 'start') {
    await createCampaign(step.step.campaign, step.step.by, deps);
    await startCampaign(step.step.campaign.id, step.step.by, deps);
    return;
  }
  const { campaign, action, by } = step.step;
  if (action === 'pause') await pauseCampaign(campaign, by, deps);
  else if (action === 'resume') await resumeCampaign(campaign, by, deps);
  else await cancelCampaign(campaign, by, deps);
};

/** Every campaign of the scenario with its counts, and when its first and last pushes reached a phone. */
export const campaignsReport = async (
  scenario: Scenario,
  ports: HeraldPorts,
  deliveries: readonly { readonly recipe: string; readonly time: string }[],
): Promise<Record<string, CampaignReport>> => {
  const report: Record<string, CampaignReport> = {};
  for (const { campaign } of scenario.campaigns ?? []) {
    const progress = await campaignStatus(campaign.id, controlDeps(ports));
    const times = deliveries
      .filter((d) => d.recipe === campaignScope(campaign.id))
      .map((d) => d.time)
      .sort();
    report[campaign.id] = {
      status: progress.status,
      planned: progress.planned,
      delivered: progress.delivered,
      suppressed: { ...progress.suppressed },
      failed: { ...progress.failed },
      ...(times.length > 0 ? { firstPushAt: times[0]!, lastPushAt: times[times.length - 1]! } : {}),
    };
  }
  return report;
};
