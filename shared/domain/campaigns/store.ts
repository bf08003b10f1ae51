import { HeraldError } from '../errors.ts';
import type { DeliveryJob } from '../push/delivery-job.ts';
import type { CampaignState } from './lifecycle.ts';

export class UnknownCampaignError extends HeraldError {
  constructor(campaignId: string) {
    super(`campaign: no campaign "${campaignId}"`);
    this.name = 'UnknownCampaignError';
  }
}

export class CampaignExistsError extends HeraldError {
  constructor(campaignId: string) {
    super(`campaign.id: a campaign "${campaignId}" exists already`);
    this.name = 'CampaignExistsError';
  }
}

/** Someone changed the campaign between our read and our write: read again and retry. */
export class CampaignChangedError extends HeraldError {
  constructor(campaignId: string) {
    super(`campaign ${campaignId} changed meanwhile; try again`);
    this.name = 'CampaignChangedError';
  }
}

/**
 * Port: campaigns and their state (a DynamoDB table on AWS). Every change is written on the
 * condition that the version read is still the stored one.
 */
export interface CampaignStore {
  /** Stores a new campaign; CampaignExistsError when the id is taken. */
  create(state: CampaignState): Promise<void>;
  get(campaignId: string): Promise<CampaignState | undefined>;
  /** Replaces the state whose version was `state.version - 1`; CampaignChangedError otherwise. */
  save(state: CampaignState): Promise<void>;
  list(): Promise<CampaignState[]>;
  /** Marks one reader of a run finished (idempotent per task); returns how many are. */
  sliceFinished(campaignId: string, run: string, taskId: string): Promise<number>;
  /** How many readers of a run finished reading. */
  finishedReaders(campaignId: string, run: string): Promise<number>;
  /** Keeps a job that came due while the campaign was paused, to send again on resume. */
  park(campaignId: string, job: DeliveryJob): Promise<void>;
  parked(campaignId: string): Promise<DeliveryJob[]>;
  unpark(campaignId: string, jobIds: readonly string[]): Promise<void>;
}

/** Reads a campaign or says there is none. */
export const campaignOrThrow = async (store: CampaignStore, campaignId: string): Promise<CampaignState> => {
  const state = await store.get(campaignId);
  if (!state) throw new UnknownCampaignError(campaignId);
  return state;
};
