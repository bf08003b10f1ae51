import { HeraldError } from '../errors.ts';
import type { Campaign } from './campaign.ts';

/** draft -> scheduled -> running <-> paused -> completed | cancelled. */
export const campaignStatuses = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** What ops do to a campaign; `launch` and `complete` are Herald's own steps. */
export type CampaignCommand = 'create' | 'start' | 'pause' | 'resume' | 'cancel' | 'launch' | 'complete';

/** One step in a campaign's history, with who took it (the IAM principal on AWS). */
export interface CampaignAction {
  readonly action: CampaignCommand;
  readonly by: string;
  readonly at: string;
  readonly note?: string;
}

/**
 * A campaign and where it is. `pausedMs` is the time spent paused so far in the current run:
 * every paced push slides by it, so a resumed campaign goes on at its rate where it stopped.
 */
export interface CampaignState {
  readonly campaign: Campaign;
  readonly status: CampaignStatus;
  /** Bumped by every change: a write based on a stale read is refused. */
  readonly version: number;
  readonly createdAt: string;
  /** When the next run starts reading its audience (scheduled campaigns). */
  readonly launchAt?: string;
  /** The run in progress or last run: `r1`, `r2`... */
  readonly run?: string;
  readonly runs: number;
  /** Fan-out tasks (readers) of the current run. */
  readonly slices?: number;
  readonly pausedAt?: string;
  /** What a paused campaign was before: a resume returns to it. */
  readonly pausedFrom?: 'scheduled' | 'running';
  readonly pausedMs: number;
  readonly history: readonly CampaignAction[];
  /**
   * The UTC days its runs were launched on, which their outcome counters are kept under: status
   * reads those. Kept whole, where the history keeps only its newest actions.
   */
  readonly launchDays?: readonly string[];
}

export class CampaignStateError extends HeraldError {
  constructor(campaignId: string, status: CampaignStatus, command: CampaignCommand) {
    super(`campaign ${campaignId} is ${status}: cannot ${command} it`);
    this.name = 'CampaignStateError';
  }
}

const allowed: Record<CampaignCommand, readonly CampaignStatus[]> = {
  create: [],
  start: ['draft'],
  // A recurring campaign's next run may come due while the last one still sends.
  launch: ['scheduled', 'running'],
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
  complete: ['running'],
};

export const newCampaignState = (campaign: Campaign, by: string, at: Date): CampaignState => ({
  campaign,
  status: 'draft',
  version: 1,
  createdAt: at.toISOString(),
  runs: 0,
  pausedMs: 0,
  history: [{ action: 'create', by, at: at.toISOString() }],
});

/** A launch saved this soon after midnight (UTC) may have sent its readers the day before. */
const LAUNCH_SAVE_MS = 15 * 60_000;

/**
 * The UTC days a run launched at `at` counts its outcomes on: that day (its readers' event time),
 * and the day before for a launch saved just after midnight, since a launch sends its readers
 * before it saves and a retried one saves later than the readers it sent first.
 */
export const counterDaysOfLaunch = (at: Date): string[] => {
  const day = at.toISOString().slice(0, 10);
  if (at.getTime() % 86_400_000 >= LAUNCH_SAVE_MS) return [day];
  return [new Date(at.getTime() - LAUNCH_SAVE_MS).toISOString().slice(0, 10), day];
};

/** History kept on the state item: the newest actions, enough for any person reading status. */
const HISTORY_KEPT = 50;

/**
 * The state after `command`, or a CampaignStateError naming why not. Pure: the store writes the
 * result conditionally on `version`, so two operators racing cannot both win.
 */
export const transition = (
  state: CampaignState,
  command: CampaignCommand,
  by: string,
  at: Date,
  change: Partial<Pick<CampaignState, 'launchAt' | 'run' | 'runs' | 'slices'>> = {},
  note?: string,
): CampaignState => {
  if (!allowed[command].includes(state.status))
    throw new CampaignStateError(state.campaign.id, state.status, command);
  const action: CampaignAction = { action: command, by, at: at.toISOString(), ...(note ? { note } : {}) };
  const base = {
    ...state,
    ...change,
    version: state.version + 1,
    history: [...state.history, action].slice(-HISTORY_KEPT),
  };
  switch (command) {
    case 'start':
      return { ...base, status: 'scheduled' };
    case 'launch': {
      // A new run starts with no pause behind it; one launched beside a running run keeps the
      // running run's pause, which its held pushes still slide by.
      const launchDays = [...new Set([...(state.launchDays ?? []), ...counterDaysOfLaunch(at)])];
      return {
        ...base,
        status: 'running',
        launchDays,
        ...(state.status === 'scheduled' ? { pausedMs: 0 } : {}),
      };
    }
    case 'pause':
      return {
        ...base,
        status: 'paused',
        pausedAt: at.toISOString(),
        pausedFrom: state.status === 'scheduled' ? 'scheduled' : 'running',
      };
    case 'resume': {
      const { pausedAt, pausedFrom, ...rest } = base;
      const pausedMs = state.pausedMs + Math.max(0, at.getTime() - Date.parse(pausedAt ?? at.toISOString()));
      return { ...rest, status: pausedFrom ?? 'running', pausedMs };
    }
    case 'cancel':
      return { ...base, status: 'cancelled' };
    case 'complete':
      // A recurring campaign waits for its next run; a one-off is done.
      return {
        ...base,
        status: state.campaign.schedule.kind === 'recurring' && state.launchAt ? 'scheduled' : 'completed',
      };
    default:
      return base;
  }
};
