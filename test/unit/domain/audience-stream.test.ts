import { describe, expect, it } from 'vitest';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import { audiencePages } from '../../../shared/domain/audience/audience-stream.ts';

const since = new Date('2026-01-01T00:00:00Z');
const at = new Date('2026-02-01T00:00:00Z');

const storeWith = async (relations: [type: string, from: string, to: string][]) => {
  const store = new InMemoryRelationStore();
  for (const [type, from, to] of relations)
    await store.apply({ kind: 'put', relation: { type, from, to, since } });
  return store;
};

const collect = async (pages: AsyncGenerator<string[]>) => {
  const all: string[][] = [];
  for await (const page of pages) all.push(page);
  return all;
};

describe('audiencePages', () => {
  it('merges several relation sources into one ordered stream, each account once', async () => {
    const store = await storeWith([
      ['favorite', 'u2', 'item'],
      ['favorite', 'u4', 'item'],
      ['browse', 'u1', 'item'],
      ['browse', 'u2', 'item'],
      ['browse', 'u5', 'item'],
    ]);

    const pages = await collect(
      audiencePages(
        store,
        {
          sources: [
            { type: 'favorite', to: 'item' },
            { type: 'browse', to: 'item' },
          ],
          shard: 0,
          at,
        },
        2,
      ),
    );

    expect(pages).toEqual([
      ['u1', 'u2'],
      ['u4', 'u5'],
    ]);
  });

  it('yields nothing for a target nobody relates to', async () => {
    const store = await storeWith([['follow', 'u1', 'seller-a']]);

    expect(
      await collect(
        audiencePages(store, { sources: [{ type: 'follow', to: 'seller-z' }], shard: 0, at }, 10),
      ),
    ).toEqual([]);
  });

  it('resumes after a cursor, for follow-up tasks', async () => {
    const store = await storeWith(
      ['u1', 'u2', 'u3', 'u4'].map((u) => ['follow', u, 's'] as [string, string, string]),
    );

    const pages = await collect(
      audiencePages(store, { sources: [{ type: 'follow', to: 's' }], shard: 0, at, after: 'u2' }, 10),
    );

    expect(pages).toEqual([['u3', 'u4']]);
  });
});
