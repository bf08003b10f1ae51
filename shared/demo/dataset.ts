import { defaultPolicy } from '../domain/fatigue/policy.ts';
import type { Scenario } from '../simulation/scenario.ts';

/**
 * The demo marketplace `npm start` loads: two sellers, six buyers with phones, their follows,
 * favorites and views, and a few events that fire every default recipe. Written as a scenario so
 * the demo and `herald simulate` share one format.
 */
export const demoScenario = (now: Date): Scenario => {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const buyer = (
    id: string,
    timeZone: string,
    extra: Partial<{ flags: string[]; optOuts: string[] }> = {},
  ) => ({
    id,
    timeZone,
    flags: extra.flags ?? [],
    optOuts: extra.optOuts ?? [],
  });
  return {
    start: now.toISOString(),
    users: [
      buyer('buyer-amy', 'Asia/Shanghai'),
      buyer('buyer-ben', 'Europe/Paris'),
      buyer('buyer-cai', 'America/New_York'),
      buyer('buyer-dee', 'Asia/Shanghai', { flags: ['minor'] }),
      buyer('buyer-eli', 'Europe/London', { optOuts: ['promotions'] }),
      buyer('buyer-fay', 'UTC'),
    ],
    devices: [
      { userId: 'buyer-amy', platform: 'APNS', token: 'demo-apns-token-amy-0001' },
      { userId: 'buyer-amy', platform: 'FCM', token: 'demo-fcm-token-amy-tablet' },
      { userId: 'buyer-ben', platform: 'FCM', token: 'demo-fcm-token-ben-0001' },
      { userId: 'buyer-cai', platform: 'APNS_SANDBOX', token: 'demo-apns-sandbox-cai-01' },
      { userId: 'buyer-dee', platform: 'FCM', token: 'demo-fcm-token-dee-0001' },
      { userId: 'buyer-eli', platform: 'APNS', token: 'demo-apns-token-eli-0001' },
    ],
    relations: [
      { type: 'follow', from: 'buyer-amy', to: 'seller-anna' },
      { type: 'follow', from: 'buyer-ben', to: 'seller-anna' },
      { type: 'follow', from: 'buyer-dee', to: 'seller-anna' },
      { type: 'follow', from: 'buyer-fay', to: 'seller-anna' },
      { type: 'follow', from: 'buyer-cai', to: 'seller-bo' },
      { type: 'favorite', from: 'buyer-ben', to: 'item-lamp' },
      { type: 'favorite', from: 'buyer-eli', to: 'item-lamp' },
      { type: 'favorite', from: 'buyer-cai', to: 'item-bike' },
    ],
    events: [
      {
        time: at(1),
        source: 'market.social',
        'detail-type': 'ItemViewed',
        detail: { userId: 'buyer-amy', itemId: 'item-lamp', sellerId: 'seller-anna' },
      },
      {
        time: at(2),
        source: 'market.items',
        'detail-type': 'ItemListed',
        detail: {
          itemId: 'item-chair',
          sellerId: 'seller-anna',
          title: 'Oak chair',
          price: 45,
          currency: 'EUR',
        },
      },
      {
        time: at(3),
        source: 'market.items',
        'detail-type': 'PriceDropped',
        detail: {
          itemId: 'item-lamp',
          sellerId: 'seller-anna',
          title: 'Brass lamp',
          oldPrice: 30,
          newPrice: 22,
          currency: 'EUR',
        },
      },
      {
        time: at(4),
        source: 'market.offers',
        'detail-type': 'OfferSent',
        detail: { sellerId: 'seller-bo', itemId: 'item-bike', title: 'City bike', discountPercent: 15 },
      },
      {
        time: at(5),
        source: 'market.items',
        'detail-type': 'ItemListed',
        detail: { itemId: 'item-bad', sellerId: 'seller-anna', title: 'Missing its price', currency: 'EUR' },
      },
    ],
    faults: undefined,
    policy: defaultPolicy,
  };
};
