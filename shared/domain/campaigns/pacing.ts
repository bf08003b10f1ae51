/**
 * Spreads a reader's pushes at a steady rate: each push takes the first slot with room from the
 * one it is due in, and never one already over, `perSecond` to a second (one every
 * `1 / perSecond` seconds below one a second). Whatever instant a push is due at (10:00 in each
 * time zone, the end of quiet hours), it competes for the same slots, so sequences that overlap
 * never add up to more than the rate; and a reader that stalled goes on at its rate from now
 * rather than sending what it missed at once. Slots sit on the epoch's grid, so the readers of a
 * campaign, each pacing its share, fill the same seconds.
 *
 * The state stays small, whatever the audience: the runs of full slots (merged, so about one per
 * sequence), the slots partly taken, and where each sequence's next search starts, with whatever
 * lies in the past dropped. A checkpoint keeps it (`snapshot`) and a resumed reader carries on.
 */
export class Pacer {
  /** Milliseconds a slot lasts. */
  readonly #width: number;
  /** Pushes a slot takes: whole ones (at 33.3 a second, 33; three readers at a third of 100 push 99). */
  readonly #capacity: number;
  /** Runs of full slots, `[from, to)` by slot number, sorted and apart. */
  #full: [number, number][] = [];
  readonly #partial = new Map<number, number>();
  /** By the instant a sequence is due at: the slot its next push looks from. */
  readonly #cursor = new Map<number, number>();

  /** Where in its slot this reader's pushes go, as a share of the slot: readers below one a second take turns. */
  readonly #offset: number;

  constructor(perSecond: number, restored: Readonly<Record<string, number>> = {}, offset = 0) {
    this.#width = perSecond >= 1 ? 1000 : 1000 / perSecond;
    this.#capacity = perSecond >= 1 ? Math.floor(perSecond) : 1;
    this.#offset = offset;
    for (const [key, value] of Object.entries(restored)) {
      const n = Number(key.slice(1));
      if (key.startsWith('f')) this.#full.push([n, value]);
      else if (key.startsWith('p')) this.#partial.set(n, value);
      else if (key.startsWith('c')) this.#cursor.set(n, value);
      // A checkpoint of the pacer before slots were shared: a count per instant due.
      else {
        const slot = this.#slotAt(Number(key)) + Math.floor(value / this.#capacity);
        this.#cursor.set(Number(key), slot);
        if (value % this.#capacity > 0) this.#partial.set(slot, value % this.#capacity);
      }
    }
    this.#full.sort((a, b) => a[0] - b[0]);
  }

  /** The instant the next push due at `due` goes out at (the start of its slot); never a slot `now` is past. */
  slot(due: Date, now?: Date): Date {
    const earliest = now ? this.#slotAt(now.getTime()) : Number.NEGATIVE_INFINITY;
    this.#forgetBefore(earliest);
    let slot = Math.max(this.#slotAt(due.getTime()), this.#cursor.get(due.getTime()) ?? -Infinity, earliest);
    for (const [from, to] of this.#full) if (slot >= from && slot < to) slot = to;
    const taken = (this.#partial.get(slot) ?? 0) + 1;
    if (taken >= this.#capacity) {
      this.#partial.delete(slot);
      this.#fill(slot);
    } else this.#partial.set(slot, taken);
    this.#cursor.set(due.getTime(), slot);
    return new Date(Math.round((slot + this.#offset) * this.#width));
  }

  /** The state, as a checkpoint keeps it: `f<from>` → to, `p<slot>` → pushes, `c<due>` → slot. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([
      ...this.#full.map(([from, to]) => [`f${from}`, to]),
      ...[...this.#partial].map(([slot, n]) => [`p${slot}`, n]),
      ...[...this.#cursor].map(([due, slot]) => [`c${due}`, slot]),
    ]);
  }

  /**
   * The first slot a push due at `ms` may take: the second it falls in (due mid-second, it may
   * still go in that second, at once); below one a second, the first slot that starts at or
   * after it, since a slot seconds long must not send a push seconds early.
   */
  #slotAt(ms: number): number {
    const slots = ms / this.#width - this.#offset;
    return this.#width > 1000 ? Math.ceil(slots) : Math.floor(slots);
  }

  /** Marks `slot` full, merging it with the runs it touches. */
  #fill(slot: number): void {
    const before = this.#full.find(([, to]) => to === slot);
    const after = this.#full.find(([from]) => from === slot + 1);
    if (before && after) {
      before[1] = after[1];
      this.#full = this.#full.filter((run) => run !== after);
    } else if (before) before[1] = slot + 1;
    else if (after) after[0] = slot;
    else {
      this.#full.push([slot, slot + 1]);
      this.#full.sort((a, b) => a[0] - b[0]);
    }
  }

  /** No slot before `earliest` is given again: what lies there is forgotten. */
  #forgetBefore(earliest: number): void {
    if (!Number.isFinite(earliest)) return;
    this.#full = this.#full.filter(([, to]) => to > earliest);
    for (const slot of this.#partial.keys()) if (slot < earliest) this.#partial.delete(slot);
    for (const [due, slot] of this.#cursor) if (slot < earliest) this.#cursor.delete(due);
  }
}
