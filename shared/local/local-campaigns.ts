import type { CampaignLaunches } from '../domain/campaigns/launches.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { launchCampaign } from '../use-cases/campaign-commands.ts';

/**
 * Locally a scheduled run needs no schedule of its own: its `launchAt` is on the campaign, and the
 * runtime launches what came due whenever its clock moves (so a campaign started by `herald
 * campaign start` in another process launches too).
 */
export const watchedLaunches: CampaignLaunches = { schedule: async () => undefined };

const scheduled = async (ports: HeraldPorts) =>
  ports.campaigns
    ? (await ports.campaigns.list()).filter(
        (s) => (s.status === 'scheduled' || s.status === 'running') && s.launchAt !== undefined,
      )
    : [];

/** Launches every scheduled run whose time the clock reached; returns how many. */
export const launchDueCampaigns = async (ports: HeraldPorts): Promise<number> => {
  const now = ports.clock.now().getTime();
  const due = (await scheduled(ports)).filter((s) => Date.parse(s.launchAt!) <= now);
  for (const state of due)
    await launchCampaign(state.campaign.id, {
      campaigns: ports.campaigns!,
      clock: ports.clock,
      launches: ports.launches ?? watchedLaunches,
      fanout: ports.fanout,
      relations: ports.relations,
    });
  return due.length;
};

/** The earliest scheduled run, for a simulation moving its clock from one happening to the next. */
export const nextCampaignLaunch = async (ports: HeraldPorts): Promise<Date | undefined> => {
  const times = (await scheduled(ports)).map((s) => Date.parse(s.launchAt!));
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
};
