import type { FanoutTask } from '../domain/audience/fanout-task.ts';
import { type Campaign, campaignScope } from '../domain/campaigns/campaign.ts';
import { CAMPAIGN_RUN, CAMPAIGN_SOURCE } from '../domain/campaigns/campaign-recipe.ts';
import type { RelationStore } from '../domain/relations/relation.ts';

/**
 * A job's fixed cost (lease, checkpoints, outcome record, the gate's read, SQS) is paid per
 * second of a reader's sequence, so a reader should fill its seconds: fewer readers than asked
 * when the rate is low. One reader reads a Scan segment far faster than 100 pushes a second.
 */
export const PUSHES_PER_READER_SECOND = 100;
const segmentReaders = (campaign: Campaign) =>
  Math.max(1, Math.min(campaign.readers, Math.floor(campaign.rate / PUSHES_PER_READER_SECOND)));

/**
 * The fan-out tasks of one run: a reader per relation shard of each relation audience, up to
 * `readers` Scan segments per segment, one per list. Every reader keeps an equal share of the rate, so
 * together they never go faster than the campaign's; a reader that ends early leaves its share
 * unused rather than let the others speed up.
 */
export const campaignReaders = async (
  campaign: Campaign,
  run: string,
  runStart: Date,
  relations: Pick<RelationStore, 'shardCountOf'>,
): Promise<FanoutTask[]> => {
  const parts = await Promise.all(
    campaign.audience.map(async (audience) => {
      if (audience.kind === 'relation') return relations.shardCountOf(audience.relation, audience.target);
      return audience.kind === 'segment' ? segmentReaders(campaign) : 1;
    }),
  );
  const total = parts.reduce((n, p) => n + p, 0);
  const scope = campaignScope(campaign.id);
  const eventId = `${scope}#${run}`;
  return parts.flatMap((readers, source) =>
    Array.from({ length: readers }, (_, shard) => ({
      taskId: `${eventId}#${source}#${shard}`,
      recipeId: scope,
      event: {
        id: eventId,
        source: CAMPAIGN_SOURCE,
        detailType: CAMPAIGN_RUN,
        time: runStart.toISOString(),
        detail: { campaignId: campaign.id, run },
      },
      plannedAt: runStart.toISOString(),
      // One push per (run, recipient): a user in two audiences, or read twice, is pushed once.
      identity: eventId,
      shard,
      campaign: { id: campaign.id, run, source, readers, perSecond: campaign.rate / total },
    })),
  );
};
