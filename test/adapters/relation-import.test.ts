import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDbRelationStore } from '../../shared/adapters/dynamodb/relation-store.ts';
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
