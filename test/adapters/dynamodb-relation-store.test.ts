import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRelationStore } from '../../shared/adapters/dynamodb/relation-store.ts';
import { relationsTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const t = (iso: string) => new Date(iso);
const client = dynamoDbClient();
let store: DynamoDbRelationStore;

const audience = async (type: string, to: string, at: Date, limit = 100) => {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await store.audiencePage({ type, to, shard: 0, at, limit, after });
    ids.push(...page.userIds);
    after = page.next;
  } while (after);
  return ids;
};

describe('DynamoDbRelationStore on DynamoDB Local', () => {
  beforeAll(async () => {
    store = new DynamoDbRelationStore(documentClientOf(client), await freshTable(client, relationsTable));
  });
  afterAll(() => client.destroy());

  it('answers followers of a target in account order, page by page', async () => {
    for (const from of ['u3', 'u1', 'u2', 'u5', 'u4']) {
      await store.apply({
        kind: 'put',
        relation: { type: 'follow', from, to: 'seller-a', since: t('2026-01-01T00:00:00Z') },
      });
    }
    const firstPage = await store.audiencePage({
      type: 'follow',
      to: 'seller-a',
      shard: 0,
      at: t('2026-02-01T00:00:00Z'),
      limit: 2,
    });

    expect(firstPage.userIds).toEqual(['u1', 'u2']);
    expect(firstPage.next).toBe('u2');
    expect(await audience('follow', 'seller-a', t('2026-02-01T00:00:00Z'), 2)).toEqual([
      'u1',
      'u2',
      'u3',
      'u4',
      'u5',
    ]);
  });

  it('removes a relation, and a late older follow does not bring it back', async () => {
    await store.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'u1', to: 'seller-b', since: t('2026-03-01T10:00:00Z') },
    });
    await store.apply({
      kind: 'remove',
      type: 'follow',
      from: 'u1',
      to: 'seller-b',
      at: t('2026-03-01T11:00:00Z'),
    });
    await store.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'u1', to: 'seller-b', since: t('2026-03-01T10:30:00Z') },
    });

    expect(await audience('follow', 'seller-b', t('2026-03-02T00:00:00Z'))).toEqual([]);
  });

  it('a follow after an unfollow counts again', async () => {
    await store.apply({
      kind: 'remove',
      type: 'follow',
      from: 'u7',
      to: 'seller-c',
      at: t('2026-03-01T11:00:00Z'),
    });
    await store.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'u7', to: 'seller-c', since: t('2026-03-01T12:00:00Z') },
    });

    expect(await audience('follow', 'seller-c', t('2026-03-02T00:00:00Z'))).toEqual(['u7']);
  });

  it('skips relations whose TTL passed even before DynamoDB deletes them', async () => {
    await store.apply({
      kind: 'put',
      relation: {
        type: 'browse',
        from: 'u1',
        to: 'item-1',
        since: t('2026-01-01T00:00:00Z'),
        expiresAt: t('2026-01-31T00:00:00Z'),
      },
    });

    expect(await audience('browse', 'item-1', t('2026-01-30T23:59:00Z'))).toEqual(['u1']);
    expect(await audience('browse', 'item-1', t('2026-01-31T00:00:01Z'))).toEqual([]);
  });

  it('a promoted hot target spreads new writes over its shards and still reads every relation once', async () => {
    const at = t('2026-04-01T00:00:00Z');
    const followers = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    for (const from of followers.slice(0, 6))
      await store.apply({ kind: 'put', relation: { type: 'follow', from, to: 'hot', since: at } });

    await store.promote('follow', 'hot', 4);
    await store.promote('follow', 'hot', 2); // never fewer shards than it has
    for (const from of followers.slice(6))
      await store.apply({ kind: 'put', relation: { type: 'follow', from, to: 'hot', since: at } });
    await store.apply({
      kind: 'remove',
      type: 'follow',
      from: 'f01',
      to: 'hot',
      at: t('2026-04-02T00:00:00Z'),
    });

    expect(await store.shardCountOf('follow', 'hot')).toBe(4);
    const perShard = await Promise.all(
      [0, 1, 2, 3].map(async (shard) => {
        const ids: string[] = [];
        let after: string | undefined;
        do {
          const page = await store.audiencePage({
            type: 'follow',
            to: 'hot',
            shard,
            at: t('2026-04-03T00:00:00Z'),
            limit: 100,
            after,
          });
          ids.push(...page.userIds);
          after = page.next;
        } while (after);
        return ids;
      }),
    );
    expect(perShard.flat().sort()).toEqual(followers.filter((f) => f !== 'f01'));
    expect(perShard.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
  });

  it('an unfollow written with a stale layout still removes a follow written after a promotion', async () => {
    const tableName = await freshTable(client, relationsTable);
    const stale = new DynamoDbRelationStore(documentClientOf(client), tableName);
    const fresh = new DynamoDbRelationStore(documentClientOf(client), tableName);
    await stale.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'warm-up', to: 'hot2', since: t('2026-05-01T00:00:00Z') },
    });

    await fresh.promote('follow', 'hot2', 16);
    await fresh.apply({
      kind: 'put',
      relation: { type: 'follow', from: 'zoe', to: 'hot2', since: t('2026-05-01T01:00:00Z') },
    });
    await stale.apply({
      kind: 'remove',
      type: 'follow',
      from: 'zoe',
      to: 'hot2',
      at: t('2026-05-01T02:00:00Z'),
    });

    const everyone: string[] = [];
    for (let shard = 0; shard < 16; shard++) {
      const page = await fresh.audiencePage({
        type: 'follow',
        to: 'hot2',
        shard,
        at: t('2026-05-02T00:00:00Z'),
        limit: 100,
      });
      everyone.push(...page.userIds);
    }
    expect(everyone).toEqual(['warm-up']);
  });

  it('relocates relations written before a promotion to their shard under the new layout', async () => {
    const at = t('2026-06-01T00:00:00Z');
    const followers = Array.from({ length: 10 }, (_, i) => `r${i}`);
    for (const from of followers)
      await store.apply({
        kind: 'put',
        relation: { type: 'browse', from, to: 'hot3', since: at, expiresAt: t('2026-07-01T00:00:00Z') },
      });
    await store.promote('browse', 'hot3', 4);

    const moved = await store.relocate('browse', 'hot3', followers, 0);
    const again = await store.relocate('browse', 'hot3', followers, 0);

    const perShard = await Promise.all(
      [0, 1, 2, 3].map(
        async (shard) =>
          (
            await store.audiencePage({
              type: 'browse',
              to: 'hot3',
              shard,
              at: t('2026-06-02T00:00:00Z'),
              limit: 100,
            })
          ).userIds,
      ),
    );
    expect(perShard.flat().sort()).toEqual(followers);
    expect(moved).toBe(followers.length - perShard[0]!.length);
    expect(again).toBe(0);
    // The views still expire when they did.
    const later = await store.audiencePage({
      type: 'browse',
      to: 'hot3',
      shard: 1,
      at: t('2026-07-02T00:00:00Z'),
      limit: 100,
    });
    expect(later.userIds).toEqual([]);
  });
});
