import { z } from 'zod';
import type { RelationRule } from './ingestion.ts';

const field = z.string().min(1).max(128);

/** One event that changes the channel's relation. */
const feedSchema = z.strictObject({
  trigger: z.strictObject({ source: z.string().min(1), detailType: z.string().min(1) }),
  /** `put` creates (or renews) the relation; `remove` ends it. */
  change: z.enum(['put', 'remove']),
  /** Detail field holding the account the relation starts from (the follower). */
  from: field,
  /** Detail field holding what it points at (the seller, the item). */
  to: field,
  /** A relation that lapses by itself this many days after its event (browsing). */
  expiresAfterDays: z.number().int().positive().max(3650).optional(),
});

/**
 * A channel file (`channels/follow.yaml`): one relation type and the events that feed it, so a
 * team feeds a new relation type without code. Documented in the README, "Recipe sets".
 *
 * @example { relation: 'follow', feeds: [{ trigger: { source: 'market.social', detailType: 'UserFollowed' }, change: 'put', from: 'followerId', to: 'sellerId' }] }
 */
export const channelSchema = z.strictObject({
  relation: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case words joined by "-"'),
  description: z.string().min(1).optional(),
  feeds: z.array(feedSchema).min(1),
});
export type Channel = z.infer<typeof channelSchema>;

/** A channel's feeds as the relation writer reads them. */
export const relationRulesOf = (channel: Channel): RelationRule[] =>
  channel.feeds.map((feed) => ({
    source: feed.trigger.source,
    detailType: feed.trigger.detailType,
    change: feed.change,
    relation: channel.relation,
    fromField: feed.from,
    toField: feed.to,
    ...(feed.expiresAfterDays ? { ttlDays: feed.expiresAfterDays } : {}),
  }));
