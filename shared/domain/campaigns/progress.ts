import type { ScopeSummary } from '../outcomes/outcome.ts';
import {
  type CampaignAction,
  type CampaignState,
  type CampaignStatus,
  counterDaysOfLaunch,
} from './lifecycle.ts';

/** What `herald campaign status` shows: counts by outcome and reason, what is left, and when it ends. */
export interface CampaignProgress {
  readonly id: string;
  readonly status: CampaignStatus;
  readonly run?: string;
  readonly runs: number;
  /** Pushes per second the campaign keeps. */
  readonly rate: number;
  readonly planned: number;
  readonly delivered: number;
  readonly suppressed: Readonly<Record<string, number>>;
  readonly failed: Readonly<Record<string, number>>;
  /** Planned recipients without an outcome yet: held for their slot, or being pushed. */
  readonly remaining: number;
  /** At the campaign's rate, seconds until the remaining recipients are pushed. */
  readonly etaSeconds: number;
  /** Readers of the current run that finished reading the audience, of how many. */
  readonly readers?: { readonly finished: number; readonly total: number };
  readonly launchAt?: string;
  readonly history: readonly CampaignAction[];
}

const sum = (byReason: Readonly<Record<string, number>>) =>
  Object.values(byReason).reduce((n, c) => n + c, 0);

export const progressOf = (
  state: CampaignState,
  summary: ScopeSummary | undefined,
  finishedReaders: number,
): CampaignProgress => {
  const planned = summary?.planned ?? 0;
  const delivered = summary?.delivered ?? 0;
  const suppressed = summary?.suppressed ?? {};
  const failed = summary?.failed ?? {};
  const remaining = Math.max(0, planned - delivered - sum(suppressed) - sum(failed));
  return {
    id: state.campaign.id,
    status: state.status,
    ...(state.run ? { run: state.run } : {}),
    runs: state.runs,
    rate: state.campaign.rate,
    planned,
    delivered,
    suppressed,
    failed,
    remaining,
    etaSeconds: Math.ceil(remaining / state.campaign.rate),
    ...(state.slices ? { readers: { finished: finishedReaders, total: state.slices } } : {}),
    ...(state.launchAt ? { launchAt: state.launchAt } : {}),
    history: state.history,
  };
};

/** A run is over once every reader finished and every planned recipient has an outcome. */
export const runIsOver = (progress: CampaignProgress): boolean =>
  progress.status === 'running' &&
  progress.readers !== undefined &&
  progress.readers.finished >= progress.readers.total &&
  progress.remaining === 0;

/**
 * The days a campaign's outcome counters are kept under: each run counts on the UTC day it was
 * launched (its readers' event time), so its status reads those days' counters, never a scan.
 * A state from before `launchDays` was kept falls back on the launches its history still holds.
 */
export const counterDaysOf = (state: CampaignState): string[] =>
  state.launchDays
    ? [...state.launchDays]
    : [
        ...new Set(
          state.history
            .filter((a) => a.action === 'launch')
            .flatMap((a) => counterDaysOfLaunch(new Date(a.at))),
        ),
      ];
