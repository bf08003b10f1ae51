import { describe, expect, it } from 'vitest';
import { InMemoryRelationStore } from '../../../shared/adapters/memory/relation-store.ts';
import { namedAccounts } from '../../../shared/domain/audience/audience-sources.ts';
import { audiencePages } from '../../../shared/domain/audience/audience-stream.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';

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

describe('an audience the event names itself', () => {
  const recipe = (audience: unknown[]) =>
    new RecipeCatalog([
      {
        id: 'named',
        description: 'The accounts the event names.',
        trigger: { source: 'herald.actions', detailType: 'BenefitGranted' },
        audience,
        business: 'benefits',
        category: 'coupons',
        push: { title: 'T', body: 'B' },
      },
    ]).get('named');

  it('reads an id or a list of ids from the detail, sorted and each once, skipping what is no id', () => {
    const named = recipe([{ field: 'userId' }, { field: 'also' }]);

    expect(namedAccounts(named, { userId: 'u3', also: ['u1', 'u3', 7, '', 'u2'] })).toEqual([
      'u1',
      'u2',
      'u3',
    ]);
    expect(namedAccounts(named, { userId: { id: 'u1' } })).toEqual([]);
  });

  it('merges the named accounts with the relations’ in one ordered pass, resuming after the cursor', async () => {
    const store = await storeWith([
      ['follow', 'u2', 'seller'],
      ['follow', 'u4', 'seller'],
    ]);
    const slice = { sources: [{ type: 'follow', to: 'seller' }], named: ['u1', 'u4', 'u5'], shard: 0, at };

    expect(await collect(audiencePages(store, slice, 10))).toEqual([['u1', 'u2', 'u4', 'u5']]);
    expect(await collect(audiencePages(store, { ...slice, after: 'u2' }, 10))).toEqual([['u4', 'u5']]);
  });
});
