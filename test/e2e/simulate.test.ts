import { describe, expect, it } from 'vitest';
import {
  expectBalanced,
  listed,
  minute,
  priceDropped,
  receivedBy,
  run,
  social,
} from '../support/scenarios.ts';

const phones = [
  { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-phone' },
  { userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-tablet' },
  { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-phone' },
  { userId: 'cai', platform: 'APNS_SANDBOX', token: 'apns-sandbox-cai-01' },
  { userId: 'dee', platform: 'FCM', token: 'fcm-token-dee-phone' },
];

describe('herald simulate, end to end on DynamoDB Local and fauxqs', () => {
  it("pushes a new listing to every device of the seller's followers, and to nobody else", async () => {
    const report = await run({
      devices: phones,
      relations: [
        { type: 'follow', from: 'amy', to: 'seller-9' },
        { type: 'follow', from: 'ben', to: 'seller-9' },
        { type: 'follow', from: 'cai', to: 'seller-7' },
      ],
      events: [listed(minute(5), 'seller-9')],
    });

    expect(receivedBy(report)).toEqual([
      'amy/APNS/followed-seller-new-item',
      'amy/FCM/followed-seller-new-item',
      'ben/FCM/followed-seller-new-item',
    ]);
    expect(report.deliveries[0]).toMatchObject({
      title: 'New from a seller you follow',
      body: 'Oak chair: 45 EUR',
      time: minute(5),
    });
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({ planned: 2, delivered: 2 });
    expectBalanced(report);
  });

  it('follows and unfollows arriving as events change who hears of the next listing', async () => {
    const report = await run({
      devices: phones,
      relations: [{ type: 'follow', from: 'amy', to: 'seller-9' }],
      events: [
        social(minute(1), 'UserFollowed', { followerId: 'ben', sellerId: 'seller-9' }),
        social(minute(2), 'UserFollowed', { followerId: 'cai', sellerId: 'seller-9' }),
        social(minute(3), 'UserUnfollowed', { followerId: 'amy', sellerId: 'seller-9' }),
        listed(minute(5), 'seller-9'),
      ],
    });

    expect(receivedBy(report)).toEqual([
      'ben/FCM/followed-seller-new-item',
      'cai/APNS_SANDBOX/followed-seller-new-item',
    ]);
    expectBalanced(report);
  });

  it('a price drop reaches favoriters and viewers once each, and views expire after 30 days', async () => {
    const report = await run({
      devices: phones,
      events: [
        social(minute(1), 'ItemFavorited', { userId: 'ben', itemId: 'item-1', sellerId: 'seller-9' }),
        social(minute(2), 'ItemViewed', { userId: 'ben', itemId: 'item-1', sellerId: 'seller-9' }),
        social(minute(3), 'ItemViewed', { userId: 'amy', itemId: 'item-1', sellerId: 'seller-9' }),
        social(minute(4), 'ItemViewed', { userId: 'cai', itemId: 'item-2', sellerId: 'seller-9' }),
        priceDropped(minute(10), 'item-1'),
        priceDropped(minute(31 * 24 * 60), 'item-2'),
      ],
    });

    expect(receivedBy(report)).toEqual([
      'amy/APNS/favorited-item-price-drop',
      'amy/FCM/favorited-item-price-drop',
      'ben/FCM/favorited-item-price-drop',
    ]);
    expect(report.outcomes['favorited-item-price-drop']).toMatchObject({ planned: 2, delivered: 2 });
    expectBalanced(report);
  });

  it('a seller offer goes to favoriters (seller -> buyer), minus opt-outs, sensitive users and users with no device', async () => {
    const report = await run({
      users: [
        { id: 'ben', optOuts: ['promotions'] },
        { id: 'dee', flags: ['minor'] },
      ],
      devices: phones,
      relations: ['amy', 'ben', 'dee', 'eve'].map((from) => ({ type: 'favorite', from, to: 'item-5' })),
      events: [
        {
          time: minute(1),
          source: 'market.offers',
          'detail-type': 'OfferSent',
          detail: { sellerId: 'seller-9', itemId: 'item-5', title: 'City bike', discountPercent: 15 },
        },
      ],
    });

    expect(receivedBy(report)).toEqual([
      'amy/APNS/seller-offer-to-favoriters',
      'amy/FCM/seller-offer-to-favoriters',
    ]);
    expect(report.outcomes['seller-offer-to-favoriters']).toEqual({
      planned: 4,
      delivered: 1,
      suppressed: { 'opted-out': 1, sensitive: 1, 'no-device': 1 },
      failed: {},
      rejected: {},
    });
    expectBalanced(report);
  });

  it('keeps bad events with their reason and still delivers the good ones', async () => {
    const report = await run({
      devices: phones,
      relations: [{ type: 'follow', from: 'amy', to: 'seller-9' }],
      events: [
        {
          ...listed(minute(1), 'seller-9'),
          detail: { itemId: 'i', sellerId: 'seller-9', title: 'x', currency: 'EUR' },
        },
        { time: minute(2), source: 'market.items', 'detail-type': 'ItemRecalled', detail: { itemId: 'i' } },
        social(minute(3), 'UserFollowed', { followerId: 'ben' }),
        listed(minute(4), 'seller-9'),
      ],
    });

    expect(receivedBy(report)).toEqual([
      'amy/APNS/followed-seller-new-item',
      'amy/FCM/followed-seller-new-item',
    ]);
    expect(report.rejected.map((r) => [r.detailType, r.reason.split(':')[0]]).sort()).toEqual([
      ['ItemListed', 'detail.price'],
      ['ItemRecalled', 'detail-type'],
      ['UserFollowed', 'detail.sellerId'],
    ]);
    expect(report.outcomes['followed-seller-new-item']?.rejected).toEqual({
      'detail.price: Invalid input: expected number, received undefined': 1,
    });
    expectBalanced(report);
  });

  it('a disabled endpoint fails its push with the reason, and the device is not tried again', async () => {
    const report = await run({
      devices: phones,
      relations: [{ type: 'follow', from: 'ben', to: 'seller-9' }],
      faults: { disabledTokens: ['fcm-token-ben-phone'] },
      events: [listed(minute(1), 'seller-9', 'item-a'), listed(minute(2), 'seller-9', 'item-b')],
    });

    expect(report.deliveries).toEqual([]);
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 2,
      failed: { 'endpoint-disabled': 1 },
      suppressed: { 'no-device': 1 },
    });
    expectBalanced(report);
  });

  it('an emoji in an event survives every hop to the phone', async () => {
    const event = listed(minute(1), 'seller-9');
    const report = await run({
      devices: phones,
      relations: [{ type: 'follow', from: 'ben', to: 'seller-9' }],
      events: [{ ...event, detail: { ...event.detail, title: 'Lamp 🎉 灯' } }],
    });

    expect(report.deliveries.map((d) => d.body)).toEqual(['Lamp 🎉 灯: 45 EUR']);
  });
});

describe('herald simulate, costs', () => {
  it('reports what the run cost, its parts adding up to the total to the cent', async () => {
    const report = await run({
      devices: phones,
      relations: [
        { type: 'follow', from: 'amy', to: 'seller-9' },
        { type: 'follow', from: 'ben', to: 'seller-9' },
      ],
      events: [listed(minute(5), 'seller-9')],
    });

    const { costs } = report;
    const cents = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100);
    const total = Math.round(costs.totalUsd * 100);
    // Delivered as the outcomes count it: recipients reached (amy on two devices counts once).
    expect(costs.byRecipe['followed-seller-new-item']?.delivered).toBe(
      report.outcomes['followed-seller-new-item']?.delivered,
    );
    expect(costs.byRecipe['followed-seller-new-item']?.delivered).toBe(2);
    expect(costs.byService.sns).toBeGreaterThanOrEqual(0);
    expect(cents(Object.values(costs.byService))).toBe(total);
    expect(
      cents([
        ...Object.values(costs.byRecipe).map((c) => c.usd),
        ...Object.values(costs.byCampaign).map((c) => c.usd),
        ...Object.values(costs.overhead),
      ]),
    ).toBe(total);
    expect(
      cents([...Object.values(costs.byBusiness).map((c) => c.usd), ...Object.values(costs.overhead)]),
    ).toBe(total);
  });
});
