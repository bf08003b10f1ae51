import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbRelationStore } from '../../shared/adapters/dynamodb/relation-store.ts';
import { initialLayouts, removalPositionsOf } from '../../shared/domain/relations/sharding.ts';
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
