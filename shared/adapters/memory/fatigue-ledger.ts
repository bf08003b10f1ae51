import { calendarWindows } from '../../domain/fatigue/calendar.ts';
import type { CounterCap } from '../../domain/fatigue/policy.ts';
import type {
  FatigueLedger,
  ReservationRequest,
  ReservationResult,
} from '../../domain/fatigue/reservation.ts';

interface UserState {
  readonly counts: Map<string, number>;
  readonly owners: Map<string, string>;
}

/**
 * Calendar fatigue counters in memory, with the DynamoDB ledger's semantics for calendar windows
 * (rolling caps are treated as calendar ones). For unit tests and in-process benchmarks, where it
 * stands in for a remote store: counter names are computed once per (caps, zone, instant), not
 * once per recipient.
 */
export class InMemoryFatigueLedger implements FatigueLedger {
  readonly #users = new Map<string, UserState>();
  readonly #names = new WeakMap<readonly CounterCap[], Map<string, string[]>>();

  async reserve(requests: readonly ReservationRequest[]): Promise<ReservationResult[]> {
    return requests.map((r) => this.#reserveOne(r));
  }

  async release(requests: readonly ReservationRequest[]): Promise<void> {
    for (const r of requests) {
      if (!r.count) continue;
      const counts = this.#stateOf(r.userId).counts;
      for (const name of this.#counterNames(r)) counts.set(name, (counts.get(name) ?? 1) - 1);
    }
  }

  #stateOf(userId: string): UserState {
    let state = this.#users.get(userId);
    if (!state) {
      state = { counts: new Map(), owners: new Map() };
      this.#users.set(userId, state);
    }
    return state;
  }

  #counterNames(r: ReservationRequest): string[] {
    let byWindow = this.#names.get(r.counters);
    if (!byWindow) {
      byWindow = new Map();
      this.#names.set(r.counters, byWindow);
    }
    const key = `${r.timeZone}|${r.at.getTime()}`;
    let names = byWindow.get(key);
    if (!names) {
      const windows = calendarWindows(r.at, r.timeZone);
      names = r.counters.map((c) => `${c.window}:${windows[c.window]}:${c.layer}:${c.subject}`);
      byWindow.set(key, names);
    }
    return names;
  }

  #reserveOne(r: ReservationRequest): ReservationResult {
    const state = this.#stateOf(r.userId);
    const owner = state.owners.get(r.dedupeKey);
    if (owner !== undefined) return { status: owner === r.owner ? 'already-reserved' : 'duplicate' };
    const names = this.#counterNames(r);
    if (r.enforce) {
      const full = r.counters.findIndex((c, i) => (state.counts.get(names[i]!) ?? 0) >= c.limit);
      if (full >= 0) return { status: 'capped', layer: r.counters[full]!.layer };
    }
    if (r.count) for (const name of names) state.counts.set(name, (state.counts.get(name) ?? 0) + 1);
    state.owners.set(r.dedupeKey, r.owner);
    return { status: 'reserved' };
  }
}
