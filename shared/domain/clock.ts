/** Time as the domain sees it. Lambda uses the system clock; simulations move it by hand. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
