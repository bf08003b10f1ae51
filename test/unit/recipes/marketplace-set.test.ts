import { describe, expect, it } from 'vitest';
import { compiledContracts } from '../../../shared/domain/events/contract-catalog.ts';
import { CANARY_SOURCE } from '../../../shared/domain/recipes/canary.ts';
import { defaultCatalog, marketplaceSetFiles } from '../../../shared/domain/recipes/default-catalog.ts';

describe('the marketplace recipe set', () => {
  const files = marketplaceSetFiles();

  // The publisher's types come from the zod contracts, Herald's rules and registry from the
  // files: one must say exactly what the other does.
  it('declares every compiled contract but the canary, each file equal to its JSON Schema export', () => {
    const compiled = compiledContracts().contracts.filter((c) => c.source !== CANARY_SOURCE);
    const byKey = new Map(files.contracts.map((f) => [`${f.source}/${f.detailType}`, f.content]));

    expect([...byKey.keys()].sort()).toEqual(compiled.map((c) => `${c.source}/${c.detailType}`).sort());
    for (const contract of compiled)
      expect(byKey.get(`${contract.source}/${contract.detailType}`), contract.file).toEqual(contract.schema);
  });

  it('checks its events with the compiled contracts, so rules JSON Schema cannot state still hold', () => {
    const priceDropped = defaultCatalog().contracts.find('market.items', 'PriceDropped')!;
    const detail = { itemId: 'i', sellerId: 's', title: 'Lamp', oldPrice: 30, newPrice: 35, currency: 'EUR' };

    expect(priceDropped.file).toBe('contracts/market.items/PriceDropped.json');
    expect(() => priceDropped.check(detail)).toThrow('detail.newPrice: must be below oldPrice');
  });

  it('gives the catalog its recipes, the canary, and its channels as relation rules', () => {
    const catalog = defaultCatalog();

    expect(catalog.recipes.map((r) => r.id)).toEqual([
      'favorited-item-price-drop',
      'followed-seller-new-item',
      'seller-offer-to-favoriters',
      'herald-canary',
    ]);
    expect(catalog.channels.find((r) => r.detailType === 'ItemViewed')).toEqual({
      source: 'market.social',
      detailType: 'ItemViewed',
      change: 'put',
      relation: 'browse',
      fromField: 'userId',
      toField: 'itemId',
      ttlDays: 30,
    });
    expect(catalog.contracts.find('herald.canary', 'CanaryPing')).toBeDefined();
  });
});
