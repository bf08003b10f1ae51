import { describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../shared/domain/recipes/default-catalog.ts';
import { expectBalanced, listed, minute, receivedBy, run } from '../support/scenarios.ts';

const devices = [
  { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-phone' },
  { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-phone' },
];

describe('herald simulate with scenario recipes, on the local engines', () => {
  it("runs a scenario's recipe in place of the default one with its id, and one it adds", async () => {
    const report = await run({
      recipes: [
        {
          ...defaultRecipe('followed-seller-new-item'),
          push: { title: 'Fresh from {{detail.sellerId}}', body: '{{detail.title}}' },
        },
        {
          id: 'seller-listing-to-favoriters',
          description: 'A seller listed an item: push to those who favorited the seller.',
          trigger: { source: 'market.items', detailType: 'ItemListed' },
          audience: [{ relation: 'favorite', targetField: 'sellerId' }],
          business: 'listings',
          category: 'new-items',
          push: { title: 'A seller you like listed', body: '{{detail.title}}' },
        },
      ],
      devices,
      relations: [
        { type: 'follow', from: 'amy', to: 'seller-9' },
        { type: 'favorite', from: 'ben', to: 'seller-9' },
      ],
      events: [listed(minute(5), 'seller-9')],
    });

    expect(receivedBy(report)).toEqual([
      'amy/APNS/followed-seller-new-item',
      'ben/FCM/seller-listing-to-favoriters',
    ]);
    expect(report.deliveries.find((d) => d.userId === 'amy')).toMatchObject({
      title: 'Fresh from seller-9',
      body: 'Oak chair',
    });
    expectBalanced(report);
  });
});
