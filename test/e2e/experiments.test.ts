import { describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../shared/domain/recipes/default-catalog.ts';
import { expectBalanced, listed, run } from '../support/scenarios.ts';

const audience = Array.from({ length: 400 }, (_, i) => `u${String(i).padStart(4, '0')}`);
const world = {
  devices: audience.map((userId) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` })),
  relations: audience.map((from) => ({ type: 'follow', from, to: 'seller-9' })),
  policy: { quietHours: null },
};
const experiment = {
  ...defaultRecipe('followed-seller-new-item'),
  variants: [
    { id: 'A', weight: 40, push: { title: 'New from a seller you follow', body: '{{detail.title}}' } },
    { id: 'B', weight: 40, push: { title: 'Just listed: {{detail.title}}', body: 'Tap to see it first' } },
    { id: 'holdout', weight: 20, holdout: true },
  ],
  conversion: { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyerId' },
};
const two = [
  listed('2026-11-21T10:05:00Z', 'seller-9', 'item-1'),
  listed('2026-11-21T11:05:00Z', 'seller-9', 'item-2'),
];

describe('A/B experiments with a holdout, on the local engines', () => {
  it('finds the variant that is opened more, keeps the holdout from every push, and keeps each user in one variant', async () => {
    const report = await run({
      ...world,
      recipes: [experiment],
      events: two,
      engagement: {
        seed: 7,
        openRate: { 'followed-seller-new-item': { A: 0.1, B: 0.4 } },
        conversionRate: { 'followed-seller-new-item': { A: 0.2, B: 0.2, holdout: 0.05 } },
      },
    });

    const result = report.experiments!['followed-seller-new-item']!;
    expect(result.winner).toBe('B');
    expect(result.pValue).toBeLessThan(0.05);
    // Weights: 40/40/20 of 400 users, twice (two events): assigned counts each (event, user).
    expect(result.variants.A!.assigned / 800).toBeCloseTo(0.4, 1);
    expect(result.variants.holdout!.assigned / 800).toBeCloseTo(0.2, 1);
    expect(result.variants.B!.openRate).toBeGreaterThan(result.variants.A!.openRate);
    // Every holdout user: suppressed `holdout`, and no push at all.
    const outcomes = report.outcomes['followed-seller-new-item']!;
    expect(outcomes.suppressed.holdout).toBe(result.variants.holdout!.assigned);
    const variantOf = new Map<string, Set<string>>();
    for (const d of report.deliveries) {
      const seen = variantOf.get(d.userId) ?? new Set();
      seen.add(d.title.startsWith('Just listed') ? 'B' : 'A');
      variantOf.set(d.userId, seen);
    }
    expect([...variantOf.values()].every((variants) => variants.size === 1)).toBe(true);
    expect(variantOf.size + result.variants.holdout!.assigned / 2).toBe(audience.length);
    // Opens came back through the receipt endpoint and were counted.
    expect(report.deliveries.filter((d) => d.opened)).toHaveLength(outcomes.opened!);
    expect(result.variants.holdout!.converted).toBeGreaterThan(0);
    expectBalanced(report);
  }, 180_000);

  it('names no winner when the variants are opened alike', async () => {
    const report = await run({
      ...world,
      recipes: [experiment],
      events: two.slice(0, 1),
      engagement: { seed: 3, openRate: { 'followed-seller-new-item': { A: 0.25, B: 0.25 } } },
    });

    const result = report.experiments!['followed-seller-new-item']!;
    expect(result.winner).toBeNull();
    expect(result.variants.A!.opened).toBeGreaterThan(0);
  }, 180_000);
});
