import type { FatiguePolicy } from '../fatigue/policy.ts';
import type { Recipe } from '../recipes/recipe.ts';
import { type Campaign, campaignScope } from './campaign.ts';

/** The source and detail-type a campaign run's synthetic event carries, in logs and traces. */
export const CAMPAIGN_SOURCE = 'herald.campaigns';
export const CAMPAIGN_RUN = 'CampaignRun';

/**
 * A campaign seen as a recipe, so that its pushes take the one chain every recipe's take (filters,
 * variants and holdout, quiet hours, caps, dedupe, delivery, outcomes, costs) under its scope.
 * Its audience is read by its own readers (campaign-slice-source.ts), never from this field.
 */
export const campaignRecipe = (campaign: Campaign): Recipe => ({
  id: campaignScope(campaign.id),
  description: campaign.description ?? `campaign ${campaign.id}`,
  trigger: { source: CAMPAIGN_SOURCE, detailType: CAMPAIGN_RUN },
  audience: [{ relation: 'campaign', targetField: 'campaignId' }],
  business: campaign.business,
  category: campaign.category,
  ...(campaign.app ? { app: campaign.app } : {}),
  ...(campaign.push ? { push: campaign.push } : { push: { title: campaign.id, body: campaign.id } }),
  ...(campaign.variants ? { variants: campaign.variants } : {}),
  ...(campaign.experimentSalt ? { experimentSalt: campaign.experimentSalt } : {}),
  ...(campaign.conversion ? { conversion: campaign.conversion } : {}),
});

/**
 * The policy a campaign's pushes follow: the business's caps, with the campaign's own choices
 * as the override of its scope (`bypassCaps`; quiet hours ignored, or held and then skipped by
 * the reader).
 */
export const campaignPolicy = (policy: FatiguePolicy, campaign: Campaign): FatiguePolicy => ({
  ...policy,
  recipes: {
    ...policy.recipes,
    [campaignScope(campaign.id)]: {
      bypassCaps: campaign.bypassCaps,
      countWhenBypassing: true,
      quietHours: campaign.quietHours === 'ignore' ? 'ignore' : 'hold',
    },
  },
});
