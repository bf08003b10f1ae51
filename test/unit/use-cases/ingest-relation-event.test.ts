import { describe, expect, it } from 'vitest';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import type { DomainEvent } from '../../../shared/domain/events/envelope.ts';
import type { RejectedEvent } from '../../../shared/domain/ports.ts';
import { defaultCatalog } from '../../../shared/domain/recipes/default-catalog.ts';
import { ManualClock } from '../../../shared/local/manual-clock.ts';
import { ingestRelationEvent } from '../../../shared/use-cases/ingest-relation-event.ts';
import { audienceOf } from '../../support/audience.ts';

const now = new Date('2026-11-21T10:00:00Z');
const social = (detailType: string, time: string): DomainEvent => ({
  id: `${detailType}-${time}`,
  source: 'market.social',
  detailType,
  time: new Date(time),
  detail: { followerId: 'b1', sellerId: 's1' },
});

const setUp = () => {
  const rejected: RejectedEvent[] = [];
  const deps = {
    relations: new InMemoryRelationStore(),
    rejected: { keep: async (r: RejectedEvent) => void rejected.push(r) },
    clock: new ManualClock(now),
    catalog: defaultCatalog(),
  };
  return { deps, rejected };
};

describe('ingestRelationEvent, clock skew', () => {
  it('rejects a follow stamped in 2099, naming time, and keeps it on the rejected events', async () => {
    const { deps, rejected } = setUp();
    const follow = social('UserFollowed', '2099-01-01T00:00:00Z');

    const result = await ingestRelationEvent(follow, { raw: 'follow' }, deps);

    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.reason).toMatch(
      /^time: 2099-01-01T00:00:00.000Z is \d+ s ahead of Herald's clock .*; at most 300 s is accepted$/,
    );
    expect(rejected).toEqual([{ reason: (result as { reason: string }).reason, event: { raw: 'follow' } }]);
    expect(await audienceOf(deps.relations, 'follow', 's1', now)).toEqual([]);
  });

  it('lets a later unfollow undo the follow once a future-dated follow was refused', async () => {
    const { deps } = setUp();
    await ingestRelationEvent(social('UserFollowed', '2026-11-21T09:00:00Z'), {}, deps);
    await ingestRelationEvent(social('UserFollowed', '2099-01-01T00:00:00Z'), {}, deps);
    deps.clock.advanceTo(new Date('2026-11-21T10:01:00Z'));

    const unfollow = await ingestRelationEvent(social('UserUnfollowed', '2026-11-21T10:01:00Z'), {}, deps);

    expect(unfollow.status).toBe('applied');
    expect(await audienceOf(deps.relations, 'follow', 's1', new Date('2026-11-21T10:02:00Z'))).toEqual([]);
  });

  it('accepts an event up to five minutes ahead (publishers drift), and rejects one just beyond', async () => {
    const { deps } = setUp();

    const within = await ingestRelationEvent(social('UserFollowed', '2026-11-21T10:05:00Z'), {}, deps);
    const beyond = await ingestRelationEvent(social('UserUnfollowed', '2026-11-21T10:05:01Z'), {}, deps);

    expect(within.status).toBe('applied');
    expect(beyond.status).toBe('rejected');
    expect(await audienceOf(deps.relations, 'follow', 's1', new Date('2026-11-21T10:06:00Z'))).toEqual([
      'b1',
    ]);
  });
});
