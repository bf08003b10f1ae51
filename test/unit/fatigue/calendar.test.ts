import { describe, expect, it } from 'vitest';
import { calendarWindows, nextLocalTime } from '../../../shared/domain/fatigue/calendar.ts';
import { releaseTime } from '../../../shared/domain/fatigue/quiet-hours.ts';

const quiet = { start: '22:00', end: '08:00' };

describe('calendar windows', () => {
  it('names the day, hour and ISO week on the user clock', () => {
    // 16:30 UTC on Saturday 21 November is 00:30 on Sunday 22 in Shanghai.
    expect(calendarWindows(new Date('2026-11-21T16:30:00Z'), 'Asia/Shanghai')).toMatchObject({
      day: '2026-11-22',
      hour: '2026-11-22T00',
      week: '2026-11-16',
      inWeek: { day: 'd7', hour: 'h7T00', week: 'w' },
    });
  });

  it('starts a new week on Monday on the user clock', () => {
    expect(calendarWindows(new Date('2026-11-22T16:30:00Z'), 'Asia/Shanghai').week).toBe('2026-11-23');
    expect(calendarWindows(new Date('2026-11-22T16:30:00Z'), 'UTC').week).toBe('2026-11-16');
  });
});

describe('quiet hours', () => {
  it('hold a push due at night until the morning, on the user clock', () => {
    expect(releaseTime(new Date('2026-11-21T15:00:00Z'), 'Asia/Shanghai', quiet).toISOString()).toBe(
      '2026-11-22T00:00:00.000Z',
    );
    expect(releaseTime(new Date('2026-11-21T15:00:00Z'), 'Europe/Paris', quiet).toISOString()).toBe(
      '2026-11-21T15:00:00.000Z',
    );
  });

  it('end at the right instant on a night the clocks change', () => {
    // Europe/Berlin moves from +01:00 to +02:00 at 02:00 on 29 March 2026.
    expect(releaseTime(new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin', quiet).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
  });

  it('end at the first minute after the jump when their end does not exist that night', () => {
    // 02:30 never happens in Berlin on 29 March 2026: the clocks go from 02:00 to 03:00.
    expect(nextLocalTime(new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin', '02:30').toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });
});
