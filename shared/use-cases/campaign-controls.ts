import { rememberCampaignBusiness } from '../domain/campaigns/campaign-businesses.ts';
import type { CampaignState } from '../domain/campaigns/lifecycle.ts';
import { transition } from '../domain/campaigns/lifecycle.ts';
import { type CampaignStore, campaignOrThrow } from '../domain/campaigns/store.ts';
import type { Clock } from '../domain/clock.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { WorkQueue } from '../domain/ports.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../domain/push/hold-scheduler.ts';
import { type CampaignCommandDeps, launchCampaign } from './campaign-commands.ts';

export interface CampaignControlDeps extends CampaignCommandDeps {
  readonly holds: HoldScheduler;
  readonly delivery: WorkQueue<DeliveryJob>;
  readonly outcomes: OutcomeLedger;
}

/**
 * Stops new pushes: delivery parks every job of the campaign that comes due from now on
 * (campaign-gate.ts), so pushes stop within one job, and a run not launched yet waits.
 */
export const pauseCampaign = async (
  campaignId: string,
  by: string,
  deps: Pick<CampaignControlDeps, 'campaigns' | 'clock'>,
): Promise<CampaignState> => {
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  const paused = transition(state, 'pause', by, deps.clock.now());
  await deps.campaigns.save(paused);
  return paused;
};

/**
 * Goes on where the campaign stopped: every push slides by the time spent paused, so the parked
 * jobs go out first, at the campaign's rate, and the rest follow in their order.
 */
export const resumeCampaign = async (
  campaignId: string,
  by: string,
  deps: CampaignControlDeps,
): Promise<CampaignState> => {
  const now = deps.clock.now();
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  const resumed = transition(state, 'resume', by, now);
  await deps.campaigns.save(resumed);
  await sweepParked(resumed, deps);
  // A run that came due while paused (the first, or a recurring one's next) launches now.
  return launchCampaign(campaignId, deps);
};

/**
 * Sends again (or, for a cancelled campaign, settles) every job parked while the campaign was
 * paused. Resume and cancel do it; a status read does it too, so parked jobs a crashed resume or
 * cancel left behind, or a gate that parked just as the pause ended, are never stranded.
 */
export const sweepParked = async (
  state: CampaignState,
  deps: Pick<CampaignControlDeps, 'campaigns' | 'holds' | 'delivery' | 'outcomes' | 'clock'>,
): Promise<void> => {
  if (state.status === 'paused') return;
  const now = deps.clock.now();
  const parked = await deps.campaigns.parked(state.campaign.id);
  if (parked.length === 0) return;
  if (state.status === 'cancelled') for (const job of parked) await settleCancelled(job, deps.outcomes, now);
  else await sendAgain(parked, state.pausedMs, now, deps);
  await deps.campaigns.unpark(
    state.campaign.id,
    parked.map((job) => job.jobId),
  );
};

/** Parked jobs at their slots slid by the pause: due ones to delivery, later ones held. */
const sendAgain = async (
  jobs: readonly DeliveryJob[],
  pausedMs: number,
  now: Date,
  deps: Pick<CampaignControlDeps, 'holds' | 'delivery'>,
) => {
  const byInstant = new Map<number, DeliveryJob[]>();
  for (const job of jobs) {
    const due = Math.max(now.getTime(), Date.parse(job.releaseAt ?? now.toISOString()) + pausedMs);
    byInstant.set(due, [...(byInstant.get(due) ?? []), job]);
  }
  for (const [due, list] of byInstant) {
    if (due <= now.getTime()) await deps.delivery.send(list);
    else await deps.holds.hold(list, new Date(due));
  }
};

/** Settles a job's recipients not yet pushed as `suppressed: cancelled`, once per job. */
export const settleCancelled = async (job: DeliveryJob, outcomes: OutcomeLedger, now: Date) => {
  const settled = new Set(job.settledUserIds ?? []);
  const tally = new OutcomeTally(job.recipeId, new Date(job.eventTime ?? now.toISOString()));
  tally.add('suppressed', 'cancelled', job.variant, job.userIds.filter((id) => !settled.has(id)).length);
  await outcomes.record(job.jobId, tally.entries());
};

/**
 * Ends the campaign: parked jobs are settled now, jobs still held settle when they come due, and
 * readers still reading settle the rest of their audience: every recipient not yet pushed ends
 * `suppressed: cancelled`.
 */
export const cancelCampaign = async (
  campaignId: string,
  by: string,
  deps: Pick<CampaignControlDeps, 'campaigns' | 'clock' | 'outcomes' | 'holds' | 'delivery'>,
): Promise<CampaignState> => {
  const now = deps.clock.now();
  const state = await campaignOrThrow(deps.campaigns, campaignId);
  const cancelled = transition(state, 'cancel', by, now);
  await deps.campaigns.save(cancelled);
  await sweepParked(cancelled, deps);
  return cancelled;
};

export type GateVerdict = 'deliver' | 'parked' | 'deferred' | 'cancelled';

/**
 * Asked by delivery before a campaign's job runs: a paused campaign parks it, a cancelled one
 * settles it, and a job whose slot the pauses pushed later waits for it. One read per job.
 */
export const gateCampaignJob = async (
  job: DeliveryJob,
  deps: {
    readonly campaigns: CampaignStore;
    readonly holds: HoldScheduler;
    readonly outcomes: OutcomeLedger;
    readonly clock: Clock;
  },
): Promise<GateVerdict> => {
  // A follow-up finishes sends its original started.
  if (!job.campaign || job.attempt) return 'deliver';
  const state = await deps.campaigns.get(job.campaign);
  if (!state) return 'deliver';
  rememberCampaignBusiness(state.campaign.id, state.campaign.business);
  const now = deps.clock.now();
  if (state.status === 'cancelled') {
    await settleCancelled(job, deps.outcomes, now);
    return 'cancelled';
  }
  if (state.status === 'paused') {
    await deps.campaigns.park(job.campaign, job);
    // A resume or cancel may have swept the parked jobs between our read and our park: if the
    // pause is over, take the job back and go on as if it had never been parked.
    const after = await deps.campaigns.get(job.campaign);
    if (after?.status === 'paused') return 'parked';
    await deps.campaigns.unpark(job.campaign, [job.jobId]);
    return gateCampaignJob(job, deps);
  }
  const due = Date.parse(job.releaseAt ?? now.toISOString()) + state.pausedMs;
  if (due > now.getTime()) {
    await deps.holds.hold([job], new Date(due));
    return 'deferred';
  }
  return 'deliver';
};
