/**
 * Spreads pushes over time at a steady rate: recipients due at the same instant take the next
 * free second of that instant's sequence, `perSecond` to a second. Pushes due at different
 * instants (10:00 in each time zone, the end of quiet hours) form sequences of their own.
 *
 * A reader keeps one counter per distinct instant (a few dozen: time zones and quiet-hour ends),
 * in its checkpoint, so a resumed reader carries on the same sequences.
 */
export class Pacer {
  readonly #perSecond: number;
  readonly #counts: Map<number, number>;

  constructor(perSecond: number, restored: Readonly<Record<string, number>> = {}) {
    this.#perSecond = perSecond;
    this.#counts = new Map(Object.entries(restored).map(([at, n]) => [Number(at), n]));
  }

  /**
   * The second the next push due at `due` goes out in. A second takes whole pushes: at 33.3 a
   * second, 33 (never 34: three readers at a third of 100 each would push 102).
   */
  slot(due: Date): Date {
    const base = due.getTime();
    const count = this.#counts.get(base) ?? 0;
    this.#counts.set(base, count + 1);
    const perSecond = this.#perSecond >= 1 ? Math.floor(this.#perSecond) : this.#perSecond;
    return new Date(base + Math.floor(count / perSecond) * 1000);
  }

  /** The counters, as a checkpoint keeps them. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
