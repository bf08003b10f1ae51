import { describe, expect, it } from 'vitest';
import { expectBalanced, run } from '../support/scenarios.ts';

const phone = (userId: string, platform = 'FCM') => ({
  userId,
  platform,
  token: `${platform.toLowerCase()}-token-${userId}-0001`,
});
const base = {
  id: 'spring-drop',
  business: 'offers',
  category: 'promotions',
  push: { title: 'New season', body: 'Hi {{recipient.id}}, the spring range is in' },
};
const at10 = '2026-11-21T10:00:00Z';
const fixture = (name: string) => new URL(`../fixtures/campaigns/${name}`, import.meta.url).pathname;
const receivers = (report: { deliveries: { userId: string }[] }) =>
  report.deliveries.map((d) => d.userId).sort();

describe('campaign audiences', { timeout: 120_000 }, () => {
  it('a list, minus an excluded list and a segment of flags, deduped across audiences', async () => {
    const people = ['ann', 'bo', 'cy', 'dee', 'eve'];
    const report = await run({
      users: people.map((id) => (id === 'dee' ? { id, flags: ['minor'] } : { id })),
      devices: people.map((id) => phone(id)),
      policy: { quietHours: null },
      campaigns: [
        {
          time: at10,
          campaign: {
            ...base,
            audience: [
              { kind: 'list', location: fixture('vip-list.csv') },
              { kind: 'list', location: fixture('vip-list.csv') },
            ],
            exclude: [
              { kind: 'list', location: fixture('do-not-disturb.txt') },
              { kind: 'segment', withFlags: ['minor'] },
            ],
          },
        },
      ],
    });
    // ann, cy from the list (bo excluded by list, dee by segment), each once though listed twice.
    expect(receivers(report)).toEqual(['ann', 'cy']);
    expect(report.deliveries.find((d) => d.userId === 'ann')?.body).toBe('Hi ann, the spring range is in');
    expect(report.campaigns?.['spring-drop']).toMatchObject({
      planned: 4,
      delivered: 2,
      suppressed: { duplicate: 2 },
    });
    expectBalanced(report);
  });

  it('a segment by platform and time zone; the filters (opt-outs, sensitive users) still apply', async () => {
    const report = await run({
      users: [
        { id: 'ios-paris', timeZone: 'Europe/Paris' },
        { id: 'android-paris', timeZone: 'Europe/Paris' },
        { id: 'ios-tokyo', timeZone: 'Asia/Tokyo' },
        { id: 'ios-paris-opted-out', timeZone: 'Europe/Paris', optOuts: ['promotions'] },
        { id: 'ios-paris-minor', timeZone: 'Europe/Paris', flags: ['minor'] },
      ],
      devices: [
        phone('ios-paris', 'APNS'),
        phone('android-paris', 'FCM'),
        phone('ios-tokyo', 'APNS'),
        phone('ios-paris-opted-out', 'APNS'),
        phone('ios-paris-minor', 'APNS'),
      ],
      policy: { quietHours: null },
      campaigns: [
        {
          time: at10,
          campaign: {
            ...base,
            audience: [{ kind: 'segment', platforms: ['APNS'], timeZones: ['Europe/Paris'] }],
          },
        },
      ],
    });
    expect(receivers(report)).toEqual(['ios-paris']);
    expect(report.campaigns?.['spring-drop']).toMatchObject({
      planned: 3,
      delivered: 1,
      suppressed: { 'opted-out': 1, sensitive: 1 },
    });
    expectBalanced(report);
  });

  it('a relation audience: every follower of a seller', async () => {
    const report = await run({
      users: [{ id: 'f1' }, { id: 'f2' }, { id: 'other' }],
      devices: ['f1', 'f2', 'other'].map((id) => phone(id)),
      relations: [
        { type: 'follow', from: 'f1', to: 'seller-anna' },
        { type: 'follow', from: 'f2', to: 'seller-anna' },
        { type: 'follow', from: 'other', to: 'seller-bob' },
      ],
      policy: { quietHours: null },
      campaigns: [
        {
          time: at10,
          campaign: { ...base, audience: [{ kind: 'relation', relation: 'follow', target: 'seller-anna' }] },
        },
      ],
    });
    expect(receivers(report)).toEqual(['f1', 'f2']);
    expectBalanced(report);
  });
});

describe('campaigns follow caps and quiet hours as recipes do', { timeout: 120_000 }, () => {
  const world = {
    users: [
      { id: 'capped', timeZone: 'UTC' },
      { id: 'night-owl', timeZone: 'Asia/Shanghai' },
    ],
    devices: [phone('capped'), phone('night-owl')],
    relations: [{ type: 'favorite', from: 'capped', to: 'item-1' }],
    events: [
      {
        time: '2026-11-21T09:00:00Z',
        source: 'market.offers',
        'detail-type': 'OfferSent',
        detail: { sellerId: 's1', itemId: 'item-1', title: 'Lamp', discountPercent: 10 },
      },
    ],
  };
  // The recipes' businesses keep their own caps: a set's recipes need caps for theirs.
  const policy = {
    businesses: {
      offers: [{ window: 'day', limit: 1 }],
      listings: [{ window: 'day', limit: 10 }],
      'price-alerts': [{ window: 'day', limit: 10 }],
    },
    quietHours: { start: '22:00', end: '08:00' },
  };
  // 15:00 UTC is 23:00 in Shanghai.
  const campaignAt = '2026-11-21T15:00:00Z';

  it('a business cap suppresses, quiet hours hold until the morning on the user clock', async () => {
    const report = await run({
      ...world,
      policy,
      campaigns: [{ time: campaignAt, campaign: { ...base, audience: [{ kind: 'segment' }] } }],
    });
    const campaign = report.deliveries.filter((d) => d.campaign === 'spring-drop');
    expect(campaign.map((d) => [d.userId, d.time])).toEqual([['night-owl', '2026-11-22T00:00:00.000Z']]);
    expect(report.campaigns?.['spring-drop']?.suppressed).toEqual({ 'fatigue.business': 1 });
    expectBalanced(report);
  });

  it('bypassCaps pushes a critical message past the cap; quietHours skip and ignore', async () => {
    const skip = await run({
      ...world,
      policy,
      campaigns: [
        {
          time: campaignAt,
          campaign: { ...base, audience: [{ kind: 'segment' }], bypassCaps: true, quietHours: 'skip' },
        },
      ],
    });
    expect(skip.deliveries.filter((d) => d.campaign).map((d) => [d.userId, d.time])).toEqual([
      ['capped', '2026-11-21T15:00:00.000Z'],
    ]);
    expect(skip.campaigns?.['spring-drop']?.suppressed).toEqual({ 'quiet-hours': 1 });

    const ignore = await run({
      ...world,
      policy,
      campaigns: [
        { time: campaignAt, campaign: { ...base, audience: [{ kind: 'segment' }], quietHours: 'ignore' } },
      ],
    });
    expect(ignore.deliveries.filter((d) => d.campaign).map((d) => [d.userId, d.time])).toEqual([
      ['night-owl', '2026-11-21T15:00:00.000Z'],
    ]);
    expectBalanced(ignore);
  });
});

describe('campaigns across apps', { timeout: 120_000 }, () => {
  it('a campaign for one app pushes only its devices; a segment picks the users of an app', async () => {
    const devices = [
      { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-market' },
      { userId: 'amy', app: 'shop', platform: 'FCM', token: 'fcm-token-amy-shop' },
      { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-market' },
      { userId: 'cai', app: 'shop', platform: 'APNS', token: 'apns-token-cai-shop' },
    ];
    const report = await run({
      devices,
      policy: { quietHours: null },
      campaigns: [
        { time: at10, campaign: { ...base, app: 'shop', audience: [{ kind: 'segment', apps: ['shop'] }] } },
      ],
    });
    expect(report.deliveries.map((d) => `${d.userId}/${d.app ?? 'default'}`).sort()).toEqual([
      'amy/shop',
      'cai/shop',
    ]);
    expect(report.campaigns?.['spring-drop']).toMatchObject({ planned: 2, delivered: 2 });
    expectBalanced(report);
  });
});
