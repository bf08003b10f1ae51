import { campaignScope } from './campaign.ts';

/**
 * The business of each campaign this process has worked for. Usage is stored with the business
 * of its scope (a finance report goes by business), and a campaign is not in the recipe catalog:
 * whoever reads a campaign (its reader, the delivery gate) before recording its usage notes its
 * business here. Bounded: a process sees a handful of campaigns.
 */
const known = new Map<string, string>();
const LIMIT = 1000;

export const rememberCampaignBusiness = (campaignId: string, business: string): void => {
  const scope = campaignScope(campaignId);
  known.delete(scope);
  known.set(scope, business);
  if (known.size > LIMIT) known.delete(known.keys().next().value!);
};

export const campaignBusinessOf = (scope: string): string | undefined => known.get(scope);
