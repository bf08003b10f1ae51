import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../../shared/domain/campaigns/campaign.ts';
import {
  cronPattern,
  dueInstant,
  launchInstant,
  localInstant,
  nextLaunch,
} from '../../../shared/domain/campaigns/schedule.ts';

const campaign = (schedule: unknown) =>
  parseCampaign({
    id: 'c',
    business: 'offers',
    category: 'promotions',
    audience: [{ kind: 'segment' }],
    push: { title: 't', body: 'b' },
    schedule,
  });
const startedAt = new Date('2026-11-21T09:00:00Z');

describe('campaign schedules', () => {
  it('finds a local date and time in each zone, across a daylight-saving change', () => {
    expect(localInstant('2026-11-22', '10:00', 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-22T02:00:00.000Z',
    );
    expect(localInstant('2026-11-22', '10:00', 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-11-21T20:00:00.000Z',
    );
    expect(localInstant('2026-11-22', '10:00', 'Pacific/Pago_Pago').toISOString()).toBe(
      '2026-11-22T21:00:00.000Z',
    );
    // New York moves to summer time on 2027-03-14.
    expect(localInstant('2027-03-14', '10:00', 'America/New_York').toISOString()).toBe(
      '2027-03-14T14:00:00.000Z',
    );
  });

  it('launches ahead of the first zone to reach a dated local time, or of an instant', () => {
    const local = campaign({ kind: 'local-time', time: '10:00', date: '2026-11-23' }).schedule;
    expect(launchInstant(local, startedAt).toISOString()).toBe('2026-11-22T19:45:00.000Z');
    const at = campaign({ kind: 'at', at: '2026-11-21T12:00:00Z' }).schedule;
    expect(launchInstant(at, startedAt).toISOString()).toBe('2026-11-21T11:45:00.000Z');
    expect(launchInstant(campaign({ kind: 'at', at: '2026-11-21T09:05:00Z' }).schedule, startedAt)).toEqual(
      startedAt,
    );
  });

  it('makes each push due at the schedule instant on the recipient clock', () => {
    const local = campaign({ kind: 'local-time', time: '10:00' }).schedule;
    expect(dueInstant(local, startedAt, 'Europe/Paris').toISOString()).toBe('2026-11-21T09:00:00.000Z');
    expect(dueInstant(local, startedAt, 'Asia/Tokyo').toISOString()).toBe('2026-11-22T01:00:00.000Z');
    expect(dueInstant({ kind: 'now' }, startedAt, 'Asia/Tokyo')).toEqual(startedAt);
  });

  it('finds the next run of rate and cron expressions, on the schedule clock, until the end', () => {
    const daily = campaign({ kind: 'recurring', expression: 'rate(1 day)', until: '2026-11-22T12:00:00Z' });
    expect(nextLaunch(daily, startedAt)?.toISOString()).toBe('2026-11-22T09:00:00.000Z');
    expect(nextLaunch(daily, new Date('2026-11-22T09:00:00Z'))).toBeUndefined();
    // EventBridge counts weekdays from 1 = Sunday: 2 is Monday.
    expect(cronPattern('cron(0 10 ? * 2 *)')).toBe('0 10 * * MON');
    const mondays = campaign({
      kind: 'recurring',
      expression: 'cron(0 10 ? * 2 *)',
      timeZone: 'Asia/Shanghai',
    });
    expect(nextLaunch(mondays, startedAt)?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(() => cronPattern('cron(0 10 ? * 2 2027)')).toThrow('the year field must be "*"');
  });
});
