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

const phone = (userId: string) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` });
const follows = (userId: string, ...sellers: string[]) =>
  sellers.map((to) => ({ type: 'follow', from: userId, to }));
const at = (iso: string) => iso;
const offer = (time: string, itemId: string, sellerId = 'seller-9') => ({
  time,
  source: 'market.offers',
  'detail-type': 'OfferSent',
  detail: { sellerId, itemId, title: 'City bike', discountPercent: 10 },
});
const noQuietHours = { quietHours: null };

describe('fatigue caps, quiet hours and dedupe, end to end', () => {
  it('user layer: at most N pushes a day to a user across everything', async () => {
    const report = await run({
      devices: [phone('amy')],
      relations: follows('amy', 's1', 's2', 's3'),
      policy: { ...noQuietHours, user: [{ window: 'day', limit: 2 }] },
      events: [listed(minute(1), 's1'), listed(minute(2), 's2'), listed(minute(3), 's3')],
    });

    expect(report.deliveries).toHaveLength(2);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ 'fatigue.user': 1 });
    expectBalanced(report);
  });

  it('business layer: a cap per business, and a joint cap over a group of businesses', async () => {
    const report = await run({
      devices: [phone('amy')],
      relations: [...follows('amy', 's1', 's2'), { type: 'favorite', from: 'amy', to: 'item-1' }],
      policy: {
        ...noQuietHours,
        businesses: { listings: [{ window: 'day', limit: 1 }] },
        groups: {
          promotional: { businesses: ['offers', 'price-alerts'], caps: [{ window: 'day', limit: 1 }] },
        },
      },
      events: [
        listed(minute(1), 's1'),
        listed(minute(2), 's2'),
        priceDropped(minute(3), 'item-1', 's9'),
        offer(minute(4), 'item-1', 's8'),
      ],
    });

    expect(receivedBy(report)).toEqual([
      'amy/FCM/favorited-item-price-drop',
      'amy/FCM/followed-seller-new-item',
    ]);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ 'fatigue.business': 1 });
    expect(report.outcomes['seller-offer-to-favoriters']?.suppressed).toEqual({ 'fatigue.group': 1 });
    expectBalanced(report);
  });

  it('sender layer: at most N pushes a day from the same seller', async () => {
    const report = await run({
      devices: [phone('amy')],
      relations: follows('amy', 's1', 's2'),
      policy: { ...noQuietHours, sender: [{ window: 'day', limit: 1 }] },
      events: [listed(minute(1), 's1', 'i1'), listed(minute(2), 's1', 'i2'), listed(minute(3), 's2', 'i3')],
    });

    expect(report.deliveries).toHaveLength(2);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ 'fatigue.sender': 1 });
    expectBalanced(report);
  });

  it('calendar days follow the user time zone across local midnight', async () => {
    const report = await run({
      users: [{ id: 'amy', timeZone: 'Asia/Shanghai' }],
      devices: [phone('amy')],
      relations: follows('amy', 's1', 's2', 's3'),
      policy: { ...noQuietHours, user: [{ window: 'day', limit: 1 }] },
      events: [
        listed(at('2026-11-21T15:30:00Z'), 's1'), // 23:30 in Shanghai
        listed(at('2026-11-21T15:50:00Z'), 's2'), // 23:50, same local day: capped
        listed(at('2026-11-21T16:10:00Z'), 's3'), // 00:10 the next local day: a new window
      ],
    });

    expect(report.deliveries.map((d) => d.time)).toEqual([
      '2026-11-21T15:30:00.000Z',
      '2026-11-21T16:10:00.000Z',
    ]);
    expectBalanced(report);
  });

  it('quiet hours hold a push until they end on the user clock, then deliver it', async () => {
    const report = await run({
      users: [
        { id: 'amy', timeZone: 'Asia/Shanghai' },
        { id: 'ben', timeZone: 'Europe/Paris' },
      ],
      devices: [phone('amy'), phone('ben')],
      relations: follows('amy', 's1').concat(follows('ben', 's1')),
      policy: { quietHours: { start: '22:00', end: '08:00' } },
      // 23:00 in Shanghai (quiet), 16:00 in Paris (not).
      events: [listed(at('2026-11-21T15:00:00Z'), 's1')],
    });

    expect(report.held).toEqual([
      { userId: 'amy', recipe: 'followed-seller-new-item', releaseAt: '2026-11-22T00:00:00.000Z' },
    ]);
    expect(report.deliveries.map((d) => [d.userId, d.time])).toEqual([
      ['ben', '2026-11-21T15:00:00.000Z'],
      ['amy', '2026-11-22T00:00:00.000Z'],
    ]);
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({ planned: 2, delivered: 2 });
    expectBalanced(report);
  });

  it('a held push the recipe lets expire before quiet hours end is dropped with its reason', async () => {
    const report = await run({
      users: [{ id: 'amy', timeZone: 'Asia/Shanghai' }],
      devices: [phone('amy')],
      relations: [{ type: 'favorite', from: 'amy', to: 'item-1' }],
      policy: {
        quietHours: { start: '22:00', end: '08:00' },
        recipes: { 'seller-offer-to-favoriters': { holdExpiresAfterMinutes: 60 } },
      },
      events: [offer(at('2026-11-21T15:00:00Z'), 'item-1')],
    });

    expect(report.deliveries).toEqual([]);
    expect(report.outcomes['seller-offer-to-favoriters']?.suppressed).toEqual({ 'quiet-hours': 1 });
    expectBalanced(report);
  });

  it('a critical recipe bypasses the caps and may be told not to count', async () => {
    const report = await run({
      devices: [phone('amy')],
      relations: [...follows('amy', 's1', 's2'), { type: 'favorite', from: 'amy', to: 'item-1' }],
      policy: {
        ...noQuietHours,
        user: [{ window: 'day', limit: 1 }],
        recipes: { 'favorited-item-price-drop': { bypassCaps: true, countWhenBypassing: false } },
      },
      events: [
        priceDropped(minute(1), 'item-1'),
        listed(minute(2), 's1'),
        priceDropped(minute(3), 'item-1', 'seller-9', 20),
        listed(minute(4), 's2'),
      ],
    });

    expect(receivedBy(report)).toEqual([
      'amy/FCM/favorited-item-price-drop',
      'amy/FCM/favorited-item-price-drop',
      'amy/FCM/followed-seller-new-item',
    ]);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ 'fatigue.user': 1 });
    expectBalanced(report);
  });

  it('refuses two caps for the same window in one layer', async () => {
    await expect(
      run({
        policy: {
          user: [
            { window: 'day', limit: 5 },
            { window: 'day', limit: 3 },
          ],
        },
      }),
    ).rejects.toThrow(/^\$\.policy\.user: two caps for the same window/);
  });

  it('names the field of a bad policy override, as a JSON path', async () => {
    await expect(run({ policy: { user: [{ window: 'fortnight', limit: 1 }] } })).rejects.toThrow(
      /^\$\.policy\.user\[0\]\.window: /,
    );
  });

  it('a user both favoriting and viewing an item gets one price-drop push', async () => {
    const report = await run({
      devices: [phone('amy')],
      policy: noQuietHours,
      events: [
        social(minute(1), 'ItemFavorited', { userId: 'amy', itemId: 'item-1', sellerId: 's9' }),
        social(minute(2), 'ItemViewed', { userId: 'amy', itemId: 'item-1', sellerId: 's9' }),
        priceDropped(minute(3), 'item-1'),
      ],
    });

    expect(receivedBy(report)).toEqual(['amy/FCM/favorited-item-price-drop']);
    expect(report.outcomes['favorited-item-price-drop']?.planned).toBe(1);
  });

  it('a push no device received gives its fatigue count back', async () => {
    const report = await run({
      devices: [phone('amy'), phone('ben')],
      relations: follows('amy', 's1', 's2').concat(follows('ben', 's1', 's2')),
      policy: { ...noQuietHours, user: [{ window: 'day', limit: 1 }] },
      faults: { disabledTokens: ['fcm-token-ben-0001'] },
      events: [listed(minute(1), 's1'), listed(minute(2), 's2')],
    });

    // amy got the first push, so the second is capped; ben got nothing, so his count went back
    // and the second push reaches the cap check again (and finds no device left).
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 4,
      delivered: 1,
      failed: { 'endpoint-disabled': 1 },
      suppressed: { 'fatigue.user': 1, 'no-device': 1 },
    });
    expectBalanced(report);
  });
});
