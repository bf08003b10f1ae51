import { createHash } from 'node:crypto';
import type { CalendarWindows } from '../../domain/fatigue/calendar.ts';
import type { CounterCap } from '../../domain/fatigue/policy.ts';
import type { ReservationRequest } from '../../domain/fatigue/reservation.ts';

/**
 * Item size is what an update costs (one write unit per KB, of the item before or after,
 * whichever is larger), so a week's item is kept under 1 KB for a user at the week's cap of 20
 * pushes from many senders:
 * - a counter is named by its window inside the week, its layer and a 24-bit hash of its subject:
 *   `6u` (day 6, user layer), `wu` (the week), `622bXyZw` (hour 22 of day 6, a business). Two
 *   subjects of one user sharing a hash would share a counter, which can only hold pushes back;
 * - the dedupe keys of the week's pushes and who reserved each are entries of one string set:
 *   the key's 66-bit hash (11 characters) and a 36-bit hash of key and owner (6), so a redelivered
 *   task can tell its own reservation from a duplicate. 17 bytes a push; the lengths never meet.
 */
export const hashOf = (text: string, chars: number) =>
  createHash('sha256').update(text).digest('base64url').slice(0, chars);
export const storedKey = (r: ReservationRequest) => hashOf(r.dedupeKey, 11);
/** The entry that says who reserved the push under `storedKey`. */
export const ownerEntry = (r: ReservationRequest) => hashOf(`${r.dedupeKey}\u0000${r.owner}`, 6);
export const storedOwner = (r: ReservationRequest) => hashOf(r.owner, 8);
const windowCode = (c: CounterCap, windows: CalendarWindows) =>
  c.window === 'week'
    ? 'w'
    : c.window === 'day'
      ? windows.inWeek.day.slice(1)
      : windows.inWeek.hour.slice(1).replace('T', '');
export const counterName = (c: CounterCap, windows: CalendarWindows) =>
  `${windowCode(c, windows)}${c.layer[0]}${c.subject ? hashOf(c.subject, 4) : ''}`;
export const rollingOf = (r: ReservationRequest) => r.counters.filter((c) => c.mode === 'rolling');
export const rollingName = (c: CounterCap) => `r${c.window[0]}|${c.layer[0]}|${c.subject}`;
export const sharesReservation = (entry: string, dedupeKey: string) => entry.endsWith(`|${dedupeKey}`);

/** The item of a user's week on their clock: every calendar counter and dedupe key of that week. */
export const weekItemKey = (userId: string, windows: CalendarWindows) => `fatigue#${userId}#${windows.week}`;
