import type { Clock } from '../domain/clock.ts';

/**
 * A clock that reads `start` now and then advances with real time: the runtime lives at
 * another instant at normal speed, so a demo run at a fixed instant sees the same quiet hours
 * and fatigue windows whenever and wherever it runs.
 */
export const clockStartingAt = (start: Date, wallClock: () => number = Date.now): Clock => {
  const startedAt = wallClock();
  return { now: () => new Date(start.getTime() + (wallClock() - startedAt)) };
};
