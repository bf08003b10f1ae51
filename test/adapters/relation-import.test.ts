import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDbRelationStore } from '../../shared/adapters/dynamodb/relation-store.ts';
import { parseTargetShards } from '../../shared/cli/options.ts';
import { runRelationsImportCommand } from '../../shared/cli/relations-import-command.ts';
import { relationsTable } from '../../shared/resources/tables.ts';
import { type BadLine, importRelations } from '../../shared/use-cases/import-relations.ts';
import { audienceOf } from '../support/audience.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
const now = new Date('2026-06-01T00:00:00Z');

async function* linesOf(lines: readonly string[]) {
  yield* lines;
}

/** Items whose key starts with `prefix`, tombstones included. */
const scanCount = async (documents: DynamoDBDocumentClient, table: string, prefix: string) => {
  const out = await documents.send(
    new ScanCommand({
      TableName: table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': prefix },
    }),
  );
  return out.Items?.length ?? 0;
};

const deps = (relations: DynamoDbRelationStore, bad: BadLine[] = []) => ({
  relations,
  concurrency: 8,
  now,
  onBadLine: (line: BadLine) => bad.push(line),
});

describe('importRelations on DynamoDB Local', () => {
  afterAll(() => client.destroy());

  it('imports 5,000 relations, which the audiences then read back', async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
    );
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ type: 'follow', from: `u${String(i).padStart(5, '0')}`, to: `seller-${i % 10}` }),
    );

    const report = await importRelations(linesOf(lines), 'ndjson', deps(store));

    expect(report).toMatchObject({ imported: 5000, bad: 0 });
    const followers = await Promise.all(
      Array.from({ length: 10 }, (_, s) => audienceOf(store, 'follow', `seller-${s}`, now)),
    );
    expect(followers.map((f) => f.length)).toEqual(Array(10).fill(500));
    expect(followers[3]).toContain('u00013');
  });

  it('writes through the store item layout: a promoted target gets its newest shard, expiries hold', async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
    );
    await store.promote('browse', 'hot', 4);
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        type: 'browse',
        from: `v${i}`,
        to: 'hot',
        since: '2026-05-01T00:00:00Z',
        expiresAt: '2026-07-01T00:00:00Z',
      }),
    );

    await importRelations(linesOf(lines), 'ndjson', deps(store));

    expect(await audienceOf(store, 'browse', 'hot', now)).toHaveLength(40);
    expect(await audienceOf(store, 'browse', 'hot', new Date('2026-07-02T00:00:00Z'))).toEqual([]);
    const shard0 = await store.audiencePage({ type: 'browse', to: 'hot', shard: 0, at: now, limit: 100 });
    expect(shard0.userIds.length).toBeLessThan(40);
  });

  it('starts a known hot target on its shards: one item per relation, no tombstones, and never twice', async () => {
    const table = await freshTable(client, relationsTable);
    const documents = documentClientOf(client);
    const store = new DynamoDbRelationStore(documents, table);
    const lines = (to: string) =>
      Array.from({ length: 200 }, (_, i) => JSON.stringify({ type: 'follow', from: `f${i}`, to }));
    await store.apply({ kind: 'put', relation: { type: 'follow', from: 'early', to: 'known', since: now } });

    await importRelations(linesOf(lines('hot')), 'ndjson', {
      ...deps(store),
      layouts: new Map([['hot', 16]]),
    });

    expect(await store.shardCountOf('follow', 'hot')).toBe(16);
    expect(await audienceOf(store, 'follow', 'hot', now)).toHaveLength(200);
    const items = await scanCount(documents, table, 'follow#hot#');
    expect(items).toBe(200);
    // Promoted from one shard instead, most followers would also leave a tombstone behind.
    await importRelations(linesOf(lines('late')), 'ndjson', deps(store));
    await store.promote('follow', 'late', 16);
    await importRelations(linesOf(lines('late')), 'ndjson', deps(store));
    expect(await scanCount(documents, table, 'follow#late#')).toBeGreaterThan(350);

    for (const [to, why] of [
      ['hot', 'has a layout'],
      ['known', 'has follow relations'],
    ] as const)
      await expect(
        importRelations(linesOf(lines(to)), 'ndjson', { ...deps(store), layouts: new Map([[to, 16]]) }),
      ).rejects.toThrow(`target ${to} ${why}`);
    expect(await store.shardCountOf('follow', 'known')).toBe(1);
  });

  it('--shards takes target=count with a count a target can have, and says what is wrong', () => {
    expect([...parseTargetShards('seller=42=64', parseTargetShards('s1=16'))]).toEqual([
      ['s1', 16],
      ['seller=42', 64],
    ]);
    expect(() => parseTargetShards('s1')).toThrow('"s1": expected target=count, e.g. seller-42=16');
    expect(() => parseTargetShards('s1=10')).toThrow('"s1=10": a target starts on 4, 16, 64, 256 shards');
    expect(() => parseTargetShards('s1=1')).toThrow('a target starts on 4, 16, 64, 256 shards');
  });

  it('reports bad lines with their numbers and fields, skips them, and imports the rest', async () => {
    const store = new DynamoDbRelationStore(
      documentClientOf(client),
      await freshTable(client, relationsTable),
    );
    const bad: BadLine[] = [];
    const csv = [
      'type,from,to,since,expiresAt',
      'follow,a1,s1,2026-05-01T00:00:00Z,',
      'follow,,s1,,',
      'follow,a3,s1,yesterday,',
      '',
      '"follow",a5,s1,,',
    ];

    const report = await importRelations(linesOf(csv), 'csv', deps(store, bad));

    expect(report).toMatchObject({ imported: 2, bad: 2 });
    expect(bad.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 3, field: 'from' },
      { line: 4, field: 'since' },
    ]);
    expect(await audienceOf(store, 'follow', 's1', now)).toEqual(['a1', 'a5']);
  });

  it('retries a batch whose items came back unprocessed', async () => {
    const real = documentClientOf(client);
    let refused = 0;
    // DynamoDB under throttling: the first BatchWriteItem is answered with all its items unprocessed.
    const throttled = {
      send: async (command: unknown) => {
        if (command instanceof BatchWriteCommand && refused === 0) {
          refused++;
          return { UnprocessedItems: command.input.RequestItems };
        }
        return real.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const sleep = vi.fn(async () => undefined);
    const store = new DynamoDbRelationStore(throttled, await freshTable(client, relationsTable), { sleep });
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ type: 'follow', from: `r${i}`, to: 'busy' }),
    );

    const report = await importRelations(linesOf(lines), 'ndjson', { ...deps(store), concurrency: 1 });

    expect(report.imported).toBe(30);
    expect(refused).toBe(1);
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(await audienceOf(store, 'follow', 'busy', now)).toHaveLength(30);
  });

  it('stops at a write that keeps failing, with its error', async () => {
    const failing = {
      importRelations: async () => {
        throw new Error('still unprocessed');
      },
      startLayout: async () => undefined,
    };
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ type: 'follow', from: `f${i}`, to: 't' }),
    );

    await expect(
      importRelations(linesOf(lines), 'ndjson', {
        relations: failing,
        concurrency: 4,
        now,
        onBadLine: () => undefined,
      }),
    ).rejects.toThrow('still unprocessed');
  });

  it('herald relations import: exit code 1 when a line was bad, the good ones imported', async () => {
    const table = await freshTable(client, relationsTable);
    const file = join(await mkdtemp(join(tmpdir(), 'herald-import-')), 'graph.ndjson');
    await writeFile(
      file,
      ['{"type":"follow","from":"x1","to":"s9"}', '{"type":"follow","from":"x2"}', 'not json', ''].join('\n'),
    );
    const errors: string[] = [];
    const stderr = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    const stdout = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const code = await runRelationsImportCommand(file, {
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      table,
      concurrency: 4,
    });
    stderr.mockRestore();
    stdout.mockRestore();

    expect(code).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(/:2: to: .*expected string/),
      `${file}:3: (line): not JSON`,
    ]);
    const store = new DynamoDbRelationStore(documentClientOf(client), table);
    expect(await audienceOf(store, 'follow', 's9', now)).toEqual(['x1']);
  });
});
