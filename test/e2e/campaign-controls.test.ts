import { describe, expect, it } from 'vitest';
import { expectBalanced, run } from '../support/scenarios.ts';

const phone = (userId: string) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` });
const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${String(i).padStart(3, '0')}` }));
const sale = {
  id: 'flash-sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 'Flash sale', body: 'Two hours only' },
  rate: 10,
  readers: 1,
};
const world = (n: number) => {
  const audience = users(n);
  return { users: audience, devices: audience.map((u) => phone(u.id)), policy: { quietHours: null } };
};

describe('campaigns: pause, resume and cancel', { timeout: 120_000 }, () => {
  it('pause and resume leave a gap with no pushes, and nobody lost or pushed twice', async () => {
    const report = await run({
      ...world(80),
      campaigns: [{ time: '2026-11-21T10:00:00Z', campaign: sale }],
      operations: [
        { time: '2026-11-21T10:00:03.500Z', campaign: 'flash-sale', action: 'pause', by: 'ops-lea' },
        { time: '2026-11-21T10:01:00Z', campaign: 'flash-sale', action: 'resume', by: 'ops-lea' },
      ],
    });
    const times = report.deliveries.map((d) => d.time).sort();
    const inGap = times.filter((t) => t > '2026-11-21T10:00:03.999Z' && t < '2026-11-21T10:01:00.000Z');
    expect(inGap).toEqual([]);
    expect(times.filter((t) => t < '2026-11-21T10:00:04Z')).toHaveLength(40);
    expect(report.deliveries).toHaveLength(80);
    expect(new Set(report.deliveries.map((d) => d.userId)).size).toBe(80);
    // Resumed at its rate: never more than 10 in a second after the pause either.
    const perSecond = new Map<string, number>();
    for (const t of times) perSecond.set(t.slice(0, 19), (perSecond.get(t.slice(0, 19)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    expect(report.campaigns?.['flash-sale']).toMatchObject({
      status: 'completed',
      planned: 80,
      delivered: 80,
    });
    expectBalanced(report);
  });

  it('cancel settles every recipient not yet pushed as suppressed: cancelled', async () => {
    const report = await run({
      ...world(80),
      campaigns: [{ time: '2026-11-21T10:00:00Z', campaign: sale }],
      operations: [{ time: '2026-11-21T10:00:02.500Z', campaign: 'flash-sale', action: 'cancel' }],
    });
    expect(report.deliveries).toHaveLength(30);
    expect(report.campaigns?.['flash-sale']).toEqual({
      status: 'cancelled',
      planned: 80,
      delivered: 30,
      suppressed: { cancelled: 50 },
      failed: {},
      firstPushAt: '2026-11-21T10:00:00.000Z',
      lastPushAt: '2026-11-21T10:00:02.000Z',
    });
    expectBalanced(report);
  });

  it('cancelling a paused campaign settles its parked pushes at once', async () => {
    const report = await run({
      ...world(40),
      campaigns: [{ time: '2026-11-21T10:00:00Z', campaign: sale }],
      operations: [
        { time: '2026-11-21T10:00:01.500Z', campaign: 'flash-sale', action: 'pause' },
        { time: '2026-11-21T10:05:00Z', campaign: 'flash-sale', action: 'cancel' },
      ],
    });
    expect(report.deliveries).toHaveLength(20);
    expect(report.campaigns?.['flash-sale']).toMatchObject({
      status: 'cancelled',
      planned: 40,
      delivered: 20,
      suppressed: { cancelled: 20 },
    });
    expectBalanced(report);
  });

  it('an operation a campaign cannot take is refused with the state it is in', async () => {
    await expect(
      run({
        ...world(2),
        campaigns: [{ time: '2026-11-21T10:00:00Z', campaign: sale }],
        operations: [{ time: '2026-11-21T10:00:00.500Z', campaign: 'flash-sale', action: 'resume' }],
      }),
    ).rejects.toThrow('campaign flash-sale is running: cannot resume it');
  });
});
