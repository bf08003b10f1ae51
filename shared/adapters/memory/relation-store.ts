import type {
  AudiencePage,
  AudienceQuery,
  Relation,
  RelationChange,
  RelationStore,
  RelationType,
} from '../../domain/relations/relation.ts';
import { TargetAlreadyLaidOutError } from '../../domain/relations/relation.ts';
import {
  currentShards,
  initialLayouts,
  positionsOf,
  removalPositionsOf,
  type ShardLayouts,
} from '../../domain/relations/sharding.ts';

interface Stored {
  since: number;
  expiresAt?: number;
  removed: boolean;
}

/**
 * Relations in memory, with the same ordering, paging, sharding and expiry semantics as the
 * DynamoDB store. For unit tests and in-process benchmarks.
 */
export class InMemoryRelationStore implements RelationStore {
  readonly #byTarget = new Map<string, Map<string, Stored>>();
  readonly #sorted = new Map<string, string[]>();
  readonly #layouts = new Map<string, ShardLayouts>();

  async shardCountOf(_type: RelationType, to: string): Promise<number> {
    return currentShards(this.#layouts.get(to) ?? initialLayouts);
  }

  async relocate(type: RelationType, to: string, accounts: readonly string[], from: number): Promise<number> {
    const layouts = this.#layouts.get(to) ?? initialLayouts;
    let moved = 0;
    for (const account of accounts) {
      const newest = positionsOf(account, layouts)[0]!;
      const stored = this.#byTarget.get(`${type}#${to}#${from}`)?.get(account);
      if (newest === from || !stored || stored.removed) continue;
      const since = new Date(stored.since);
      const expiresAt = stored.expiresAt === undefined ? undefined : new Date(stored.expiresAt);
      this.#store(
        { kind: 'put', relation: { type, from: account, to, since, ...(expiresAt ? { expiresAt } : {}) } },
        newest,
      );
      this.#store({ kind: 'remove', type, from: account, to, at: since }, from);
      moved++;
    }
    return moved;
  }

  async promote(_type: RelationType, to: string, shards: number): Promise<void> {
    const layouts = this.#layouts.get(to) ?? initialLayouts;
    if (currentShards(layouts) < shards) this.#layouts.set(to, [...layouts, shards]);
  }

  async startLayout(type: RelationType, to: string, shards: number): Promise<void> {
    if (this.#layouts.has(to)) throw new TargetAlreadyLaidOutError(to, 'has a layout');
    if (this.#byTarget.get(`${type}#${to}#0`)?.size)
      throw new TargetAlreadyLaidOutError(to, `has ${type} relations`);
    this.#layouts.set(to, [shards]);
  }

  async apply(change: RelationChange): Promise<void> {
    const { type, from, to } = change.kind === 'put' ? change.relation : change;
    const layouts = this.#layouts.get(to) ?? initialLayouts;
    const [newest, ...older] =
      change.kind === 'remove' ? removalPositionsOf(from, layouts) : positionsOf(from, layouts);
    this.#store(change, newest!);
    for (const shard of older)
      this.#store(
        { kind: 'remove', type, from, to, at: change.kind === 'put' ? change.relation.since : change.at },
        shard,
      );
  }

  #store(change: RelationChange, shard: number): void {
    const { type, from, to } = change.kind === 'put' ? change.relation : change;
    const at = (change.kind === 'put' ? change.relation.since : change.at).getTime();
    const key = `${type}#${to}#${shard}`;
    const members = this.#byTarget.get(key) ?? new Map<string, Stored>();
    this.#byTarget.set(key, members);
    const previous = members.get(from);
    if (previous && previous.since > at) return;
    if (!previous) this.#sorted.delete(key);
    members.set(from, {
      since: at,
      removed: change.kind === 'remove',
      ...(change.kind === 'put' && change.relation.expiresAt
        ? { expiresAt: change.relation.expiresAt.getTime() }
        : {}),
    });
  }

  async audiencePage(query: AudienceQuery): Promise<AudiencePage> {
    const key = `${query.type}#${query.to}#${query.shard}`;
    const members = this.#byTarget.get(key);
    if (!members) return { userIds: [] };
    let sorted = this.#sorted.get(key);
    if (!sorted) {
      sorted = [...members.keys()].sort();
      this.#sorted.set(key, sorted);
    }
    let start = 0;
    if (query.after !== undefined) {
      // Binary search: the first account after the cursor.
      let hi = sorted.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (sorted[mid]! <= query.after) start = mid + 1;
        else hi = mid;
      }
    }
    const slice = sorted.slice(start, start + query.limit);
    const now = query.at.getTime();
    const userIds = slice.filter((id) => {
      const s = members.get(id)!;
      return !s.removed && (s.expiresAt === undefined || s.expiresAt > now);
    });
    const more = start + query.limit < sorted.length;
    return { userIds, ...(more ? { next: slice[slice.length - 1]! } : {}) };
  }

  async importRelations(relations: readonly Relation[]): Promise<void> {
    for (const relation of relations) await this.apply({ kind: 'put', relation });
  }
}
