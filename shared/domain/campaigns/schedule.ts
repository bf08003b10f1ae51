import { Cron } from 'croner';
import { ValidationError } from '../errors.ts';
import { localTime, nextLocalTime } from '../fatigue/calendar.ts';
import type { Campaign, Schedule } from './campaign.ts';

/** The zone whose clock shows a local time first (UTC+14): a local-time run must be reading by then. */
const EARLIEST_ZONE_LEAD_MS = 14 * 3_600_000;
/** How long before the first push a run starts reading its audience. */
export const READ_AHEAD_MS = 15 * 60_000;

const RATE_UNITS_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(2 hours)` as milliseconds; undefined for a cron expression. */
export const rateIntervalMs = (expression: string): number | undefined => {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  return match ? Number(match[1]) * RATE_UNITS_MS[match[2]!]! : undefined;
};

/** `local` (YYYY-MM-DD) at `hhmm` on the clock of `timeZone`, across daylight-saving changes. */
export const localInstant = (date: string, hhmm: string, timeZone: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  let at = nextLocalTime(new Date(Date.UTC(y, m - 1, d) - EARLIEST_ZONE_LEAD_MS), timeZone, hhmm);
  for (let i = 0; i < 3; i++) {
    const t = localTime(at, timeZone);
    if (Date.UTC(t.year, t.month - 1, t.day) >= Date.UTC(y, m - 1, d)) break;
    at = nextLocalTime(new Date(at.getTime() + 60_000), timeZone, hhmm);
  }
  return at;
};

/**
 * When a run of the campaign starts reading its audience, given when ops started it: at once for
 * `now`, a little ahead of `at`, ahead of the first zone to reach a dated local time; the next
 * firing for a recurring one (the first at the start; later ones on AWS come from Scheduler).
 */
export const launchInstant = (schedule: Schedule, startedAt: Date): Date => {
  const at = (() => {
    switch (schedule.kind) {
      case 'now':
        return startedAt;
      case 'at':
        return new Date(Date.parse(schedule.at) - READ_AHEAD_MS);
      case 'local-time':
        return schedule.date
          ? new Date(
              localInstant(schedule.date, schedule.time, 'Pacific/Kiritimati').getTime() - READ_AHEAD_MS,
            )
          : startedAt;
      case 'recurring':
        return startedAt;
    }
  })();
  return at < startedAt ? startedAt : at;
};

const EVENTBRIDGE_WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * EventBridge's `cron(min hour day month weekday year)` as a five-field cron: `?` is any, and
 * weekdays count 1 = Sunday there, so numbers become names. A year other than `*` is refused.
 */
export const cronPattern = (expression: string): string => {
  const fields = expression.slice('cron('.length, -1).split(' ');
  if (fields[5] !== '*') throw new ValidationError('schedule.expression', 'the year field must be "*"');
  const weekday = fields[4]!.replace(/\d/g, (d) => EVENTBRIDGE_WEEKDAYS[Number(d) - 1] ?? d);
  return [...fields.slice(0, 4), weekday].map((f) => (f === '?' ? '*' : f)).join(' ');
};

/** The run after one launched at `launchedAt`, on the schedule's clock; undefined when there is none. */
export const nextLaunch = (campaign: Campaign, launchedAt: Date): Date | undefined => {
  const { schedule } = campaign;
  if (schedule.kind !== 'recurring') return undefined;
  const interval = rateIntervalMs(schedule.expression);
  const next =
    interval !== undefined
      ? new Date(launchedAt.getTime() + interval)
      : (new Cron(cronPattern(schedule.expression), { timezone: schedule.timeZone }).nextRun(launchedAt) ??
        undefined);
  return !next || (schedule.until && next > new Date(schedule.until)) ? undefined : next;
};

/**
 * When a recipient's push is due before pacing: the run's start, the `at` instant, or the local
 * time on the recipient's own clock (the next one after the run starts, or on the given date).
 */
export const dueInstant = (schedule: Schedule, runStart: Date, timeZone: string): Date => {
  switch (schedule.kind) {
    case 'at': {
      const at = new Date(schedule.at);
      return at < runStart ? runStart : at;
    }
    case 'local-time': {
      const at = schedule.date
        ? localInstant(schedule.date, schedule.time, timeZone)
        : nextLocalTime(runStart, timeZone, schedule.time);
      return at < runStart ? runStart : at;
    }
    default:
      return runStart;
  }
};
