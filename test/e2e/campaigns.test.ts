import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../shared/simulation/simulate.ts';
import { expectBalanced, run } from '../support/scenarios.ts';

const phone = (userId: string) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` });
const users = (n: number, timeZone = 'UTC') =>
  Array.from({ length: n }, (_, i) => ({ id: `u${String(i).padStart(3, '0')}`, timeZone }));
const push = { title: 'Winter sale', body: 'Everything 20% off today' };
const campaign = (fields: Record<string, unknown>) => ({
  id: 'winter-sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push,
  ...fields,
});

/** Pushes per whole second of the campaign's deliveries, largest first. */
const busiestSeconds = (report: SimulationReport) => {
  const perSecond = new Map<string, number>();
  for (const d of report.deliveries)
    perSecond.set(d.time.slice(0, 19), (perSecond.get(d.time.slice(0, 19)) ?? 0) + 1);
  return [...perSecond.values()].sort((a, b) => b - a);
};

describe('campaigns: broadcast to a segment, on a schedule, at a steady rate', () => {
  it('a segment across time zones gets its push at 10:00 on each user clock', async () => {
    const world = [
      { id: 'mei', timeZone: 'Asia/Shanghai' },
      { id: 'jules', timeZone: 'Europe/Paris' },
      { id: 'ana', timeZone: 'America/New_York' },
    ];
    const report = await run({
      start: '2026-11-21T09:00:00Z',
      users: world,
      devices: world.map((u) => phone(u.id)),
      policy: { quietHours: { start: '22:00', end: '08:00' } },
      campaigns: [
        {
          time: '2026-11-21T09:00:00Z',
          campaign: campaign({ schedule: { kind: 'local-time', time: '10:00', date: '2026-11-22' } }),
        },
      ],
    });
    const at = Object.fromEntries(report.deliveries.map((d) => [d.userId, d.time]));
    expect(at).toEqual({
      mei: '2026-11-22T02:00:00.000Z',
      jules: '2026-11-22T09:00:00.000Z',
      ana: '2026-11-22T15:00:00.000Z',
    });
    expect(report.deliveries.every((d) => d.campaign === 'winter-sale')).toBe(true);
    expect(report.campaigns?.['winter-sale']).toMatchObject({
      status: 'completed',
      planned: 3,
      delivered: 3,
      firstPushAt: '2026-11-22T02:00:00.000Z',
      lastPushAt: '2026-11-22T15:00:00.000Z',
    });
    expectBalanced(report);
  });

  it('N users at a rate of R per second take at least N/R seconds, never more than R in a second', async () => {
    const audience = users(60);
    const report = await run({
      users: audience,
      devices: audience.map((u) => phone(u.id)),
      policy: { quietHours: null },
      campaigns: [{ time: '2026-11-21T10:00:00Z', campaign: campaign({ rate: 10, readers: 2 }) }],
    });
    expect(report.deliveries).toHaveLength(60);
    expect(busiestSeconds(report)[0]).toBeLessThanOrEqual(10);
    const { firstPushAt, lastPushAt } = report.campaigns!['winter-sale']!;
    // The last second's pushes go out at its start: N/R seconds of sending end one second after.
    expect(Date.parse(lastPushAt!) - Date.parse(firstPushAt!)).toBeGreaterThanOrEqual((60 / 10 - 1) * 1000);
    expect(new Set(report.deliveries.map((d) => d.userId)).size).toBe(60);
    expectBalanced(report);
  });
});
