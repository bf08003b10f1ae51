import { describe, expect, it } from 'vitest';
import { inMemoryFanOutDeps } from '../../../shared/adapters/memory/fan-out-deps.ts';
import { InMemoryFatigueLedger } from '../../../shared/adapters/memory/fatigue-ledger.ts';
import { SerialisingWorkQueue } from '../../../shared/adapters/memory/work-queue.ts';
import type { FanoutTask } from '../../../shared/domain/audience/fanout-task.ts';
import { businessIdentity } from '../../../shared/domain/events/identity.ts';
import { defaultRecipes } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { planTrigger } from '../../../shared/use-cases/plan-trigger.ts';

const drop = (newPrice: number, extra: Record<string, unknown> = {}) => ({
  source: 'market.items',
  detailType: 'PriceDropped',
  detail: {
    itemId: 'item-1',
    sellerId: 's9',
    title: 'Lamp',
    oldPrice: 30,
    newPrice,
    currency: 'EUR',
    ...extra,
  },
});

describe('businessIdentity', () => {
  it('is the same for the same detail, whatever the order of its keys', () => {
    const reordered = { ...drop(20), detail: Object.fromEntries(Object.entries(drop(20).detail).reverse()) };
    expect(businessIdentity(drop(20))).toBe(businessIdentity(reordered));
  });

  it('tells apart details that differ, and events of other types with the same detail', () => {
    expect(businessIdentity(drop(20))).not.toBe(businessIdentity(drop(21)));
    expect(businessIdentity(drop(20))).not.toBe(businessIdentity({ ...drop(20), detailType: 'ItemListed' }));
  });

  it('follows only the named fields when a recipe names them', () => {
    expect(businessIdentity(drop(20), ['itemId'])).toBe(businessIdentity(drop(25), ['itemId']));
    expect(businessIdentity(drop(20), ['itemId'])).not.toBe(
      businessIdentity(drop(20), ['itemId', 'newPrice']),
    );
  });

  it('has a fixed length, whatever the detail holds', () => {
    expect(businessIdentity(drop(20, { note: 'x'.repeat(100_000) }))).toHaveLength(22);
  });
});

describe('planTrigger stamps each task with its planning instant and business identity', () => {
  const at = new Date('2026-11-21T10:00:00Z');
  const plan = async (catalog: RecipeCatalog, newPrice: number, eventId: string) => {
    const fanout = new SerialisingWorkQueue<FanoutTask>({ keep: true });
    const deps = inMemoryFanOutDeps(at, { catalog, fanout, fatigue: new InMemoryFatigueLedger() });
    // A hot target, so the tasks are enqueued rather than run inline, and can be read.
    await deps.relations.promote('favorite', 'item-1', 4);
    const event = { id: eventId, ...drop(newPrice), time: new Date('2026-11-18T09:00:00Z') };
    await planTrigger(
      'favorited-item-price-drop',
      event,
      {},
      { ...deps, rejected: { keep: async () => undefined } },
    );
    return fanout.items!;
  };

  it('uses the recipe identity fields, so a re-sent event under a new id dedupes with the first', async () => {
    const byItem = new RecipeCatalog(
      defaultRecipes.map((r) => (r.id === 'favorited-item-price-drop' ? { ...r, identity: ['itemId'] } : r)),
    );
    const [first] = await plan(byItem, 20, 'e1');
    const [second] = await plan(byItem, 25, 'e2');

    expect(first!.identity).toBe(second!.identity);
    expect(first!.plannedAt).toBe(at.toISOString());
  });

  it('by default, the whole detail identifies the event', async () => {
    const catalog = new RecipeCatalog(defaultRecipes);
    const [first] = await plan(catalog, 20, 'e1');
    const [again] = await plan(catalog, 20, 'e2');
    const [other] = await plan(catalog, 25, 'e3');

    expect(again!.identity).toBe(first!.identity);
    expect(other!.identity).not.toBe(first!.identity);
  });
});
