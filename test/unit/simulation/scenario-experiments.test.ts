import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { defaultRecipe, defaultRecipes } from '../../../shared/domain/recipes/default-catalog.ts';
import { type Recipe, RecipeCatalog, recipeSchema } from '../../../shared/domain/recipes/recipe.ts';
import { mergeRecipes, parseScenario, scenarioRecipes } from '../../../shared/simulation/scenario.ts';

const start = '2026-11-21T10:00:00Z';
const refusal = (input: Record<string, unknown>): string => {
  try {
    parseScenario({ start, ...input });
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('the scenario was accepted');
};

const priceDropAb = {
  ...defaultRecipe('favorited-item-price-drop'),
  variants: [
    { id: 'A', weight: 45, push: { title: 'Price drop: {{detail.title}}', body: 'Now {{detail.newPrice}}' } },
    { id: 'B', weight: 45, push: { title: '{{detail.title}} is cheaper', body: 'Now {{detail.newPrice}}' } },
    { id: 'holdout', weight: 10, holdout: true },
  ],
  conversion: { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyerId' },
};

const birthday = {
  id: 'birthday-wish',
  description: 'A user has a birthday.',
  trigger: { source: 'market.users', detailType: 'Birthday' },
  audience: [{ relation: 'self', targetField: 'userId' }],
  business: 'care',
  category: 'wishes',
  push: { title: 'Happy birthday', body: 'From all of us' },
};

describe('parseScenario, recipes', () => {
  it('takes recipes with variants, a conversion and a salt', () => {
    const scenario = parseScenario({ start, recipes: [{ ...priceDropAb, experimentSalt: 'nov-2026' }] });

    expect(scenario.recipes?.[0]?.variants?.map((v) => v.id)).toEqual(['A', 'B', 'holdout']);
    expect(scenario.recipes?.[0]?.conversion?.windowHours).toBe(72);
  });

  it('leaves recipes, engagement and trace absent when not given', () => {
    const scenario = parseScenario({ start });

    expect(scenario.recipes).toBeUndefined();
    expect(scenario.engagement).toBeUndefined();
    expect(scenario.trace).toBeUndefined();
  });

  it('refuses variants whose weights do not sum to 100, with the JSON path', () => {
    const variants = [
      { id: 'A', weight: 45, push: { title: 't', body: 'b' } },
      { id: 'B', weight: 45, push: { title: 't', body: 'b' } },
    ];

    expect(refusal({ recipes: [{ ...priceDropAb, variants }] })).toBe(
      '$.recipes[0].variants: weights sum to 90, expected 100',
    );
  });

  it('refuses a duplicate variant id and a variant with neither push nor holdout', () => {
    const push = { title: 't', body: 'b' };
    const duplicate = [
      { id: 'A', weight: 50, push },
      { id: 'A', weight: 50, push },
    ];

    expect(refusal({ recipes: [birthday, { ...priceDropAb, variants: duplicate }] })).toBe(
      '$.recipes[1].variants[1].id: duplicate variant id "A" (first at [0])',
    );
    expect(
      refusal({
        recipes: [
          {
            ...birthday,
            variants: [
              { id: 'A', weight: 100 },
              { id: 'B', weight: 0, push },
            ],
          },
        ],
      }),
    ).toMatch(/^\$\.recipes\[0\]\.variants\[0\]/);
  });

  it('refuses a recipe field it does not know and a recipe id given twice', () => {
    expect(refusal({ recipes: [{ ...birthday, audiense: [] }] })).toMatch(
      /^\$\.recipes\[0\]: Unrecognized key: "audiense"/,
    );
    expect(refusal({ recipes: [birthday, priceDropAb, birthday] })).toBe(
      '$.recipes[2].id: duplicate recipe id "birthday-wish" (first at $.recipes[0])',
    );
  });
});

describe('parseScenario, engagement and trace', () => {
  it('fills the defaults of engagement', () => {
    const scenario = parseScenario({ start, engagement: {} });

    expect(scenario.engagement).toEqual({ seed: 1, openRate: {}, conversionRate: {}, delaySeconds: 30 });
  });

  it('takes rates per recipe and variant, the holdout included', () => {
    const engagement = {
      seed: 7,
      openRate: { 'favorited-item-price-drop': { A: 0.05, B: 0.1 }, 'followed-seller-new-item': { A: 1 } },
      conversionRate: { 'favorited-item-price-drop': { A: 0.2, holdout: 0.01 } },
      delaySeconds: 90,
    };

    expect(parseScenario({ start, recipes: [priceDropAb], engagement, trace: ['u1'] })).toMatchObject({
      engagement,
      trace: ['u1'],
    });
  });

  it('refuses a rate outside 0..1, with the JSON path', () => {
    expect(refusal({ engagement: { openRate: { 'followed-seller-new-item': { A: 1.5 } } } })).toBe(
      '$.engagement.openRate.followed-seller-new-item.A: Too big: expected number to be <=1',
    );
    expect(refusal({ engagement: { delaySeconds: -1 } })).toMatch(/^\$\.engagement\.delaySeconds: /);
    expect(refusal({ engagement: { seed: 1.5 } })).toMatch(/^\$\.engagement\.seed: /);
  });

  it('refuses rates for a recipe or variant the run does not have', () => {
    expect(refusal({ engagement: { openRate: { 'price-drop': { A: 0.1 } } } })).toBe(
      '$.engagement.openRate.price-drop: unknown recipe "price-drop"; expected one of "favorited-item-price-drop"|"followed-seller-new-item"|"seller-offer-to-favoriters"|"herald-canary"',
    );
    expect(refusal({ engagement: { openRate: { 'followed-seller-new-item': { B: 0.1 } } } })).toBe(
      '$.engagement.openRate.followed-seller-new-item.B: recipe "followed-seller-new-item" has no variant "B"; expected one of "A"',
    );
    expect(
      refusal({
        recipes: [priceDropAb],
        engagement: { openRate: { 'favorited-item-price-drop': { C: 0.1 } } },
      }),
    ).toBe(
      '$.engagement.openRate.favorited-item-price-drop.C: recipe "favorited-item-price-drop" has no variant "C"; expected one of "A"|"B"|"holdout"',
    );
  });

  it('refuses a conversion rate for a recipe without a conversion event', () => {
    expect(refusal({ engagement: { conversionRate: { 'followed-seller-new-item': { A: 0.1 } } } })).toBe(
      '$.engagement.conversionRate.followed-seller-new-item: recipe "followed-seller-new-item" declares no conversion event',
    );
  });

  it('refuses an empty user id to trace', () => {
    expect(refusal({ trace: ['u1', ''] })).toMatch(/^\$\.trace\[1\]: /);
  });
});

describe('mergeRecipes', () => {
  const parsed = (r: unknown): Recipe => recipeSchema.parse(r);
  const defaults = defaultRecipes.map(parsed);

  it('is the default catalog when the scenario has no recipes', () => {
    expect(mergeRecipes(defaults)).toEqual(defaults);
    expect(scenarioRecipes({})).toEqual(defaults);
  });

  it('replaces a default recipe in place and appends new ones in order', () => {
    const merged = mergeRecipes(defaults, [parsed(birthday), parsed(priceDropAb)]);

    expect(merged.map((r) => r.id)).toEqual([
      'favorited-item-price-drop',
      'followed-seller-new-item',
      'seller-offer-to-favoriters',
      'herald-canary',
      'birthday-wish',
    ]);
    expect(merged[0]?.variants).toHaveLength(3);
    expect(merged[1]).toBe(defaults[1]);
  });

  it('gives a catalog the runtime accepts, its rules included', () => {
    const scenario = parseScenario({ start, recipes: [priceDropAb, birthday] });
    const catalog = new RecipeCatalog(scenarioRecipes(scenario));

    expect(catalog.get('favorited-item-price-drop').variants?.[2]).toEqual({
      id: 'holdout',
      weight: 10,
      holdout: true,
    });
    expect(catalog.has('birthday-wish')).toBe(true);
  });

  it('does not change the defaults it was given', () => {
    const before = structuredClone(defaults);

    mergeRecipes(defaults, [parsed(priceDropAb)]);

    expect(defaults).toEqual(before);
  });
});
