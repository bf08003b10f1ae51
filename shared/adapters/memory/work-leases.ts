import type { WorkLeaseResult, WorkLeases } from '../../domain/work-leases.ts';

/** Leases and checkpoints in memory, with the DynamoDB adapter's semantics. */
export class InMemoryWorkLeases<C> implements WorkLeases<C> {
  readonly #items = new Map<string, { owner: string; until: number; checkpoint?: C }>();
  readonly #lost: (id: string) => Error;

  constructor(lost: (id: string) => Error) {
    this.#lost = lost;
  }

  async acquire(id: string, owner: string, leaseMs: number): Promise<WorkLeaseResult<C>> {
    const item = this.#items.get(id);
    if (item && item.until >= Date.now()) return { status: 'busy' };
    this.#items.set(id, {
      owner,
      until: Date.now() + leaseMs,
      ...(item?.checkpoint ? { checkpoint: item.checkpoint } : {}),
    });
    return item?.checkpoint === undefined
      ? { status: 'acquired' }
      : { status: 'acquired', checkpoint: item.checkpoint };
  }

  async save(id: string, owner: string, checkpoint: C): Promise<void> {
    const item = this.#items.get(id);
    if (item?.owner !== owner) throw this.#lost(id);
    // A copy, as a store would keep: later changes to the caller's objects must not leak in.
    item.checkpoint = structuredClone(checkpoint);
  }

  async seize(id: string, owner: string, leaseMs: number): Promise<C | undefined> {
    const item = this.#items.get(id);
    this.#items.set(id, {
      owner,
      until: Date.now() + leaseMs,
      ...(item?.checkpoint ? { checkpoint: item.checkpoint } : {}),
    });
    return item?.checkpoint;
  }

  async release(id: string, owner: string): Promise<void> {
    const item = this.#items.get(id);
    if (item?.owner === owner) item.until = 0;
  }
}
