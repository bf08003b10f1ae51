import { describe, expect, it } from 'vitest';
import { expectBalanced, listed, receivedBy, run } from '../support/scenarios.ts';

const phone = (userId: string) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` });
const follows = (userId: string, ...sellers: string[]) =>
  sellers.map((to) => ({ type: 'follow', from: userId, to }));

describe('caps bound what a phone shows in each window of the user clock', () => {
  it('a push held overnight takes its slot in the morning it is shown, re-checked against the caps then', async () => {
    const report = await run({
      start: '2026-11-21T20:00:00Z',
      users: [{ id: 'amy', timeZone: 'UTC' }],
      devices: [phone('amy')],
      relations: follows('amy', 's1', 's2', 's3', 's4', 's5'),
      policy: { user: [{ window: 'day', limit: 2 }], quietHours: { start: '22:00', end: '08:00' } },
      events: [
        // Three listings at night are held until 08:00 on the 22nd...
        listed('2026-11-21T23:00:00Z', 's1'),
        listed('2026-11-21T23:10:00Z', 's2'),
        listed('2026-11-21T23:20:00Z', 's3'),
        // ...and two more come in that morning.
        listed('2026-11-22T09:00:00Z', 's4'),
        listed('2026-11-22T09:10:00Z', 's5'),
      ],
    });

    const onThe22nd = report.deliveries.filter((d) => d.time.startsWith('2026-11-22'));
    expect(onThe22nd).toHaveLength(2);
    expect(report.deliveries).toHaveLength(2);
    expect(report.outcomes['followed-seller-new-item']).toMatchObject({
      planned: 5,
      delivered: 2,
      suppressed: { 'fatigue.user': 3 },
    });
    expectBalanced(report);
  });

  it('events stamped on past days count in the window of the day Herald takes them in', async () => {
    const report = await run({
      start: '2026-11-21T10:00:00Z',
      devices: [phone('amy')],
      relations: follows('amy', 's1', 's2', 's3'),
      policy: { user: [{ window: 'day', limit: 1 }], quietHours: null },
      events: [
        listed('2026-11-18T10:00:00Z', 's1'),
        listed('2026-11-19T10:00:00Z', 's2'),
        listed('2026-11-20T10:00:00Z', 's3'),
      ],
    });

    expect(report.deliveries).toHaveLength(1);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ 'fatigue.user': 2 });
    expectBalanced(report);
  });

  it('a cap of 0 lets nothing through, in calendar and rolling mode alike', async () => {
    for (const mode of ['calendar', 'rolling']) {
      const report = await run({
        devices: [phone('amy')],
        relations: follows('amy', 's1', 's2'),
        policy: { businesses: { listings: [{ window: 'day', limit: 0, mode }] }, quietHours: null },
        events: [listed('2026-11-21T10:01:00Z', 's1'), listed('2026-11-21T10:02:00Z', 's2')],
      });

      expect(report.deliveries, mode).toHaveLength(0);
      expect(report.outcomes['followed-seller-new-item']?.suppressed, mode).toEqual({
        'fatigue.business': 2,
      });
    }
  });
});

describe('dedupe rests on the business identity of an event, not on its EventBridge id', () => {
  it('a listing published twice (a publisher retry after a timeout) pushes once', async () => {
    const report = await run({
      devices: [phone('amy')],
      relations: follows('amy', 's1'),
      policy: { quietHours: null },
      events: [listed('2026-11-21T10:01:00Z', 's1'), listed('2026-11-21T10:03:00Z', 's1')],
    });

    expect(receivedBy(report)).toEqual(['amy/FCM/followed-seller-new-item']);
    expect(report.outcomes['followed-seller-new-item']?.suppressed).toEqual({ duplicate: 1 });
    expectBalanced(report);
  });
});
