import { localTime, nextLocalTime } from './calendar.ts';

/** A nightly window in the user's own time zone during which pushes wait. */
export interface QuietHours {
  /** `22:00` */
  readonly start: string;
  /** `08:00`; before `start` means the window crosses midnight. */
  readonly end: string;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a push due at `at` may be delivered: `at` itself outside quiet hours, otherwise the end
 * of the quiet window on the user's clock.
 */
export const releaseTime = (at: Date, timeZone: string, quiet: QuietHours): Date => {
  const t = localTime(at, timeZone);
  const now = t.hour * 60 + t.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  return inside ? nextLocalTime(at, timeZone, quiet.end) : at;
};
