import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { contractsAsJsonSchema, findContract } from '../../../shared/domain/events/contracts.ts';
import { defaultCatalog, defaultRecipe } from '../../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../../shared/domain/recipes/recipe.ts';
import { busRules } from '../../../shared/domain/routing/bus-rules.ts';

describe('the recipe catalog', () => {
  it('names the offending field of a bad recipe', () => {
    const bad = { ...defaultRecipe('followed-seller-new-item'), audience: [] };

    expect(() => new RecipeCatalog([bad])).toThrow(ValidationError);
    expect(() => new RecipeCatalog([bad])).toThrow(/^recipes\[0\]\.audience: /);
  });

  it('refuses two recipes with one id', () => {
    expect(
      () =>
        new RecipeCatalog([
          defaultRecipe('followed-seller-new-item'),
          defaultRecipe('followed-seller-new-item'),
        ]),
    ).toThrow(/duplicates/);
  });

  it('every trigger of the default catalog has a published contract', () => {
    for (const recipe of defaultCatalog().recipes) {
      expect(findContract(recipe.trigger.source, recipe.trigger.detailType), recipe.id).toBeDefined();
    }
  });

  it('exports every contract as JSON Schema', () => {
    const schemas = contractsAsJsonSchema() as Record<string, { required?: string[] }>;

    expect(schemas['market.items/ItemListed']?.required).toEqual([
      'itemId',
      'sellerId',
      'title',
      'price',
      'currency',
    ]);
    expect(schemas['market.orders/OrderPlaced']?.required).toEqual([
      'orderId',
      'buyerId',
      'total',
      'currency',
    ]);
    expect(Object.keys(schemas)).toHaveLength(9);
    expect(schemas['herald.canary/CanaryPing']?.required).toEqual(['sentAt']);
  });
});

describe('busRules', () => {
  const rules = busRules(defaultCatalog());

  it('has one planner rule per recipe, passing the recipe id with the event', () => {
    const planner = rules.filter((r) => r.target === 'planner');

    expect(planner.map((r) => r.name)).toEqual(defaultCatalog().recipes.map((r) => `recipe-${r.id}`));
    expect(planner.find((r) => r.name === 'recipe-followed-seller-new-item')).toMatchObject({
      pattern: { source: ['market.items'], 'detail-type': ['ItemListed'] },
      input: { constants: { recipeId: 'followed-seller-new-item' }, eventField: 'event' },
    });
  });

  it('routes relation events to the relation writer', () => {
    expect(rules.find((r) => r.target === 'relation-writer')?.pattern).toEqual({
      source: ['market.social'],
      // Channel files in name order: browse, favorite, follow.
      'detail-type': ['ItemViewed', 'ItemFavorited', 'UserFollowed', 'UserUnfollowed'],
    });
  });

  it('keeps events of a known source whose detail-type nothing expects', () => {
    const unexpected = rules.find((r) => r.name === 'unexpected-market-items');

    expect(unexpected?.pattern).toEqual({
      source: ['market.items'],
      'detail-type': [{ 'anything-but': ['ItemListed', 'PriceDropped'] }],
    });
    expect(unexpected?.target).toBe('rejected-events');
  });

  it('keeps events of every source no rule expects, quoting the source in the reason', () => {
    const unknown = rules.find((r) => r.name === 'unknown-sources');

    expect(unknown).toMatchObject({
      pattern: {
        source: [{ 'anything-but': ['herald.canary', 'market.items', 'market.offers', 'market.social'] }],
      },
      target: 'rejected-events',
      input: {
        constants: { reason: 'source: no recipe or relation rule expects "<source>"' },
        quotes: { source: '$.source' },
      },
    });
  });
});
