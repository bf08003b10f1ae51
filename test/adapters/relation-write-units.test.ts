import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbRelationStore } from '../../shared/adapters/dynamodb/relation-store.ts';
import { initialLayouts, removalPositionsOf, shardOf } from '../../shared/domain/relations/sharding.ts';
import { RequestMeter } from '../../shared/observability/request-meter.ts';
import { relationsTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
const meter = new RequestMeter();
meter.attach(client, 'dynamodb');

describe('DynamoDbRelationStore write units on DynamoDB Local', () => {
  afterAll(() => client.destroy());

  it('a follow costs one write unit and an unfollow one per tombstone: no index doubles them', async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
    );
    const since = new Date('2026-01-01T00:00:00Z');
    const at = new Date('2026-01-02T00:00:00Z');
    const accounts = Array.from({ length: 50 }, (_, i) => `u${i}`);
    // The layout read is cached per target: warm it so that only the writes are measured.
    await store.apply({ kind: 'put', relation: { type: 'follow', from: 'w', to: 'seller', since } });

    await meter.within('follows', async () => {
      for (const from of accounts)
        await store.apply({ kind: 'put', relation: { type: 'follow', from, to: 'seller', since } });
    });
    await meter.within('unfollows', async () => {
      for (const from of accounts)
        await store.apply({ kind: 'remove', type: 'follow', from, to: 'seller', at });
    });

    const tombstones = accounts.reduce((n, a) => n + removalPositionsOf(a, initialLayouts).length, 0);
    const perFollow = meter.usageOf('follows').dynamodbWriteUnits / accounts.length;
    const perUnfollow = meter.usageOf('unfollows').dynamodbWriteUnits / accounts.length;
    console.info(
      `write units per follow ${perFollow}, per unfollow ${perUnfollow} (${tombstones / accounts.length} tombstones)`,
    );
    expect(perFollow).toBe(1);
    expect(meter.usageOf('unfollows').dynamodbWriteUnits).toBe(tombstones);
  });

  it("moves a promoted target's relations in batches: one read request per 100 misplaced accounts, two writes each", async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
    );
    const since = new Date('2026-01-01T00:00:00Z');
    const accounts = Array.from({ length: 250 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    await store.importRelations(accounts.map((from) => ({ type: 'follow', from, to: 'rising', since })));
    // One of them unfollowed before the move: its tombstone stays, nothing is revived.
    await store.apply({
      kind: 'remove',
      type: 'follow',
      from: 'm000',
      to: 'rising',
      at: new Date('2026-01-05T00:00:00Z'),
    });
    await store.promote('follow', 'rising', 4);
    await store.shardCountOf('follow', 'rising');
    const requests = (op: string) => meter.requests.get(`dynamodb:${op}`) ?? 0;
    const before = {
      gets: requests('GetItem'),
      batchGets: requests('BatchGetItem'),
      puts: requests('PutItem'),
    };

    const moved = await meter.within('moves', () => store.relocate('follow', 'rising', accounts, 0));

    const misplaced = accounts.filter((a) => shardOf(a, 4) !== 0).length;
    expect(requests('BatchGetItem') - before.batchGets).toBe(Math.ceil(misplaced / 100));
    // The layout was read by shardCountOf: no GetItem per account.
    expect(requests('GetItem') - before.gets).toBeLessThanOrEqual(1);
    expect(requests('PutItem') - before.puts).toBe(2 * moved);
    expect(meter.usageOf('moves').dynamodbWriteUnits).toBe(2 * moved);
    const at = new Date('2026-01-06T00:00:00Z');
    const everyone: string[] = [];
    for (const shard of [0, 1, 2, 3]) {
      const page = await store.audiencePage({ type: 'follow', to: 'rising', shard, at, limit: 1000 });
      everyone.push(...page.userIds);
    }
    expect(everyone.sort()).toEqual(accounts.slice(1));
    expect(moved).toBe(misplaced - (shardOf('m000', 4) === 0 ? 0 : 1));
  });

  it('remembers the layouts of a bounded number of targets, reading a forgotten one again', async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
      {
        layoutCacheTargets: 2,
      },
    );
    const since = new Date('2026-01-01T00:00:00Z');
    const follow = (to: string) =>
      store.apply({ kind: 'put', relation: { type: 'follow', from: 'u', to, since } });
    const layoutReads = () => meter.requests.get('dynamodb:GetItem') ?? 0;
    await follow('t1');
    await follow('t2');
    const before = layoutReads();

    await follow('t1');
    await follow('t3'); // t2, least recently used, is forgotten
    await follow('t1');
    await follow('t2');

    expect(layoutReads() - before).toBe(2); // t3, then t2 again
  });
});
