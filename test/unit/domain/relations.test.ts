import { describe, expect, it } from 'vitest';
import { UnknownEventTypeError, ValidationError } from '../../../shared/domain/errors.ts';
import type { DomainEvent } from '../../../shared/domain/events/envelope.ts';
import { defaultCatalog } from '../../../shared/domain/recipes/default-catalog.ts';
import { toRelationChange } from '../../../shared/domain/relations/ingestion.ts';
import { shardOf } from '../../../shared/domain/relations/sharding.ts';

const event = (detailType: string, detail: unknown): DomainEvent => ({
  id: 'e1',
  source: 'market.social',
  detailType,
  time: new Date('2026-11-21T10:00:00Z'),
  detail,
});

const now = new Date('2026-11-21T10:00:00Z');
const feeds = defaultCatalog();

describe('toRelationChange', () => {
  it('a follow becomes follow(follower -> seller)', () => {
    expect(toRelationChange(event('UserFollowed', { followerId: 'b1', sellerId: 's1' }), now, feeds)).toEqual(
      {
        kind: 'put',
        relation: {
          type: 'follow',
          from: 'b1',
          to: 's1',
          since: new Date('2026-11-21T10:00:00Z'),
          expiresAt: undefined,
        },
      },
    );
  });

  it('an unfollow removes the follow at the event time', () => {
    expect(
      toRelationChange(event('UserUnfollowed', { followerId: 'b1', sellerId: 's1' }), now, feeds),
    ).toEqual({
      kind: 'remove',
      type: 'follow',
      from: 'b1',
      to: 's1',
      at: new Date('2026-11-21T10:00:00Z'),
    });
  });

  it('a view becomes a browse relation that expires 30 days later', () => {
    const change = toRelationChange(
      event('ItemViewed', { userId: 'b1', itemId: 'i1', sellerId: 's1' }),
      now,
      feeds,
    );

    expect(change.kind === 'put' && change.relation.expiresAt).toEqual(new Date('2026-12-21T10:00:00Z'));
  });

  it('names the field that breaks the contract', () => {
    expect(() => toRelationChange(event('UserFollowed', { followerId: 'b1' }), now, feeds)).toThrow(
      ValidationError,
    );
    expect(() => toRelationChange(event('UserFollowed', { followerId: 'b1' }), now, feeds)).toThrow(
      /^detail\.sellerId: /,
    );
  });

  it('refuses an event type no relation rule knows', () => {
    expect(() => toRelationChange(event('UserBlocked', {}), now, feeds)).toThrow(UnknownEventTypeError);
  });
});

describe('shardOf', () => {
  it('is stable and spreads accounts over every shard', () => {
    const shards = new Set(Array.from({ length: 1000 }, (_, i) => shardOf(`user-${i}`, 8)));

    expect(shardOf('user-42', 8)).toBe(shardOf('user-42', 8));
    expect([...shards].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shardOf('anyone', 1)).toBe(0);
  });
});
