import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePolicy } from '../../shared/domain/fatigue/policy.ts';
import { RecipeCatalog } from '../../shared/domain/recipes/recipe.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { startLocalRuntime } from '../../shared/local/runtime.ts';
import { loadWorld } from '../../shared/simulation/load-world.ts';
import { parseScenario } from '../../shared/simulation/scenario.ts';
import { sharedEngines } from '../support/engines.ts';
import { expectBalanced, minute, run, start } from '../support/scenarios.ts';

/** An order grants its buyer a coupon: an event for the team's coupon service, nothing pushed. */
const orderCoupon = {
  id: 'order-coupon',
  description: 'An order grants its buyer a coupon.',
  trigger: { source: 'market.orders', detailType: 'OrderPlaced' },
  audience: [{ field: 'buyerId' }],
  business: 'benefits',
  category: 'coupons',
  identity: ['orderId'],
  action: 'emit',
  emit: { detailType: 'BenefitGranted', fields: { orderId: 'orderId', orderTotal: 'total' } },
};

/** The second link of the chain: the recipient of the benefit hears about it. */
const couponPush = {
  id: 'coupon-granted-push',
  description: 'Tells the recipient of a coupon about it.',
  trigger: { source: 'herald.actions', detailType: 'BenefitGranted' },
  audience: [{ field: 'userId' }],
  business: 'benefit-news',
  category: 'coupons',
  push: {
    title: 'A coupon for you',
    body: 'Thanks for order {{detail.orderId}} ({{detail.orderTotal}} EUR)',
  },
};

const order = (time: string, orderId: string, buyerId: string) => ({
  time,
  source: 'market.orders',
  'detail-type': 'OrderPlaced',
  detail: { orderId, buyerId, total: 80, currency: 'EUR' },
});

const world = {
  users: [{ id: 'amy' }, { id: 'ben', optOuts: ['coupons'] }, { id: 'cai' }],
  devices: [
    { userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-phone' },
    { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-phone' },
    { userId: 'cai', platform: 'APNS', token: 'apns-token-cai-phone' },
  ],
};
/** One benefit a day per user: the emit action counts against caps like a push. */
const policy = {
  businesses: {
    ...defaultPolicy.businesses,
    benefits: [{ window: 'day', limit: 1 }],
    'benefit-news': [{ window: 'day', limit: 5 }],
  },
};

describe('emit actions: an event back on the bus, chaining into a push', () => {
  it('emits per recipient through filters, dedupe and caps, and the chained recipe pushes the recipient', async () => {
    const report = await run({
      ...world,
      recipes: [orderCoupon, couponPush],
      policy,
      events: [
        order(minute(1), 'o-1', 'amy'),
        // The publisher sent order o-1 again: one benefit, one push.
        order(minute(2), 'o-1', 'amy'),
        // A second order the same day: over the benefits cap.
        order(minute(3), 'o-2', 'amy'),
        order(minute(4), 'o-3', 'ben'),
        order(minute(5), 'o-4', 'cai'),
      ],
    });

    expect(report.outcomes['order-coupon']).toEqual({
      planned: 5,
      delivered: 2,
      suppressed: { duplicate: 1, 'fatigue.business': 1, 'opted-out': 1 },
      failed: {},
      rejected: {},
    });
    expect(report.outcomes['coupon-granted-push']).toMatchObject({ planned: 2, delivered: 2, failed: {} });
    expect(report.deliveries.map((d) => `${d.userId}/${d.recipe}/${d.body}`).sort()).toEqual([
      'amy/coupon-granted-push/Thanks for order o-1 (80 EUR)',
      'cai/coupon-granted-push/Thanks for order o-4 (80 EUR)',
    ]);
    expect(report.emitted.map((e) => `${e.userId}/${e.recipe}/${e.detailType}/${e.detail.orderId}`)).toEqual([
      'amy/order-coupon/BenefitGranted/o-1',
      'cai/order-coupon/BenefitGranted/o-4',
    ]);
    expect(report.emitted[0]?.detail).toMatchObject({
      orderTotal: 80,
      trigger: { source: 'market.orders', detailType: 'OrderPlaced' },
      chain: ['order-coupon'],
    });
    expect(report.rejected).toEqual([]);
    expectBalanced(report);
  });

  it('pushes once when the same action event reaches the bus twice (an answer lost, the publisher re-sent it)', async () => {
    const granted = {
      source: 'herald.actions',
      'detail-type': 'BenefitGranted',
      detail: {
        orderId: 'o-1',
        orderTotal: 80,
        recipeId: 'order-coupon',
        userId: 'amy',
        actionId: 'act-amy-o-1',
        trigger: { id: 'e-1', source: 'market.orders', detailType: 'OrderPlaced' },
        chain: ['order-coupon'],
      },
    };

    const report = await run({
      ...world,
      policy,
      recipes: [orderCoupon, couponPush],
      events: [
        { ...granted, time: minute(1) },
        { ...granted, time: minute(2) },
      ],
    });

    expect(report.outcomes['coupon-granted-push']).toMatchObject({
      planned: 2,
      delivered: 1,
      suppressed: { duplicate: 1 },
    });
    expect(report.deliveries.map((d) => d.userId)).toEqual(['amy']);
  });

  it('bills each emitted event (one EventBridge event per recipient) to the emitting recipe, once', async () => {
    const clock = new ManualClock(new Date(start));
    const scenario = parseScenario({ start, ...world, policy });
    const runtime = await startLocalRuntime({
      clock,
      catalog: new RecipeCatalog([orderCoupon, couponPush]),
      policy: parsePolicy({ ...defaultPolicy, ...policy }),
      engines: sharedEngines(),
    });
    try {
      await loadWorld(runtime.ports, scenario);
      clock.advanceTo(new Date(minute(1)));
      runtime.bus.putEvents(
        ['amy', 'cai'].map((buyerId, i) => ({
          Source: 'market.orders',
          DetailType: 'OrderPlaced',
          Detail: JSON.stringify({ orderId: `o-${i}`, buyerId, total: 12, currency: 'EUR' }),
        })),
      );
      await runtime.drain();

      const { usage, delivered } = await runtime.ports.costs!.records();
      const eventsOf = (scope: string) =>
        usage.filter((u) => u.name === scope).reduce((n, u) => n + u.usage.eventBridgeEvents, 0);
      // Two orders published, two benefits emitted; the chained recipe's trigger is the emitter's.
      expect(eventsOf('order-coupon')).toBe(4);
      expect(eventsOf('coupon-granted-push')).toBe(0);
      expect(delivered.filter((d) => d.scope === 'order-coupon').reduce((n, d) => n + d.count, 0)).toBe(2);
      expect(runtime.simulator.received.map((r) => r.userId).sort()).toEqual(['amy', 'cai']);
    } finally {
      await runtime.stop();
    }
  });
});
