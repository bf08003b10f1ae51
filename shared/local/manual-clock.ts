import type { Clock } from '../domain/clock.ts';

/** A clock a simulation moves by hand; it never goes backwards. */
export class ManualClock implements Clock {
  #now: Date;

  constructor(start: Date) {
    this.#now = start;
  }

  now(): Date {
    return this.#now;
  }

  advanceTo(time: Date): void {
    if (time > this.#now) this.#now = time;
  }
}
