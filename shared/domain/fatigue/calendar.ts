/**
 * Calendar arithmetic in a user's time zone, with no date library: Intl does the zone rules.
 * Formatters are cached per zone because building one costs far more than using it.
 */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** 1 = Monday ... 7 = Sunday, as ISO 8601 counts. */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// A fan-out page asks about the same few (zone, instant) pairs thousands of times: remember them.
const recent = new Map<string, LocalTime>();
const RECENT_LIMIT = 4096;

export const localTime = (at: Date, timeZone: string): LocalTime => {
  const key = `${timeZone}|${at.getTime()}`;
  const known = recent.get(key);
  if (known) return known;
  const computed = computeLocalTime(at, timeZone);
  if (recent.size >= RECENT_LIMIT) recent.clear();
  recent.set(key, computed);
  return computed;
};

/**
 * What a clock in `timeZone` reads at `at`, to the minute: zones that read the same share every
 * fatigue window then, whatever their names or rules.
 */
export const wallClock = (at: Date, timeZone: string): string => {
  const t = localTime(at, timeZone);
  return `${t.year}-${t.month}-${t.day}T${t.hour}:${t.minute}`;
};

const computeLocalTime = (at: Date, timeZone: string): LocalTime => {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday!]!,
  };
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar windows an instant falls in, named as the user lives them. */
export interface CalendarWindows {
  /** `2026-11-21T22` */
  readonly hour: string;
  /** `2026-11-21` */
  readonly day: string;
  /** The Monday that starts the ISO week: `2026-11-16`. Days and hours nest inside it. */
  readonly week: string;
  /** Short names of the windows inside their week (`d6`, `h6T22`), for compact storage. */
  readonly inWeek: { readonly hour: string; readonly day: string; readonly week: string };
}

const recentWindows = new Map<string, CalendarWindows>();

export const calendarWindows = (at: Date, timeZone: string): CalendarWindows => {
  const key = `${timeZone}|${at.getTime()}`;
  let windows = recentWindows.get(key);
  if (!windows) {
    if (recentWindows.size >= RECENT_LIMIT) recentWindows.clear();
    windows = computeWindows(at, timeZone);
    recentWindows.set(key, windows);
  }
  return windows;
};

const computeWindows = (at: Date, timeZone: string): CalendarWindows => {
  const t = localTime(at, timeZone);
  const day = `${t.year}-${pad(t.month)}-${pad(t.day)}`;
  const monday = new Date(Date.UTC(t.year, t.month - 1, t.day - (t.weekday - 1)));
  return {
    hour: `${day}T${pad(t.hour)}`,
    day,
    week: monday.toISOString().slice(0, 10),
    inWeek: { hour: `h${t.weekday}T${pad(t.hour)}`, day: `d${t.weekday}`, week: 'w' },
  };
};

/**
 * The instant at which the user's wall clock next shows `hh:mm`, at or after `from`. Found by
 * stepping the UTC offset, so it holds across daylight-saving changes.
 */
export const nextLocalTime = (from: Date, timeZone: string, hhmm: string): Date => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const t = localTime(from, timeZone);
  const wallNow = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  let wallTarget = Date.UTC(t.year, t.month - 1, t.day, hh, mm);
  if (wallTarget < wallNow) wallTarget += 86_400_000;
  // Offset of the zone now; re-check at the target since the offset may differ there.
  const offset = wallNow - Math.floor(from.getTime() / 60_000) * 60_000;
  const wallOf = (instant: number) => {
    const c = localTime(new Date(instant), timeZone);
    return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute);
  };
  let candidate = wallTarget - offset;
  candidate -= wallOf(candidate) - wallTarget;
  if (wallOf(candidate) >= wallTarget) return new Date(candidate);
  // The time does not exist that day (the clocks jumped over it): the answer is the first minute
  // after the jump, found by halving the span between a wall time too early and one too late.
  let early = candidate;
  let late = candidate + (wallTarget - wallOf(candidate));
  while (late - early > 60_000) {
    const middle = early + Math.floor((late - early) / 120_000) * 60_000;
    if (wallOf(middle) >= wallTarget) late = middle;
    else early = middle;
  }
  return new Date(late);
};
