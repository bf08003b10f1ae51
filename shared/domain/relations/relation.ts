import { HeraldError } from '../errors.ts';
/**
 * A relation between two accounts or between an account and an item: follow (buyer -> seller),
 * favorite and browse (buyer -> item), and whatever new kinds the catalog adds. Read from the
 * target's end only: audiences are "who relates to T".
 */
export type RelationType = string;

export interface Relation {
  readonly type: RelationType;
  /** The account the relation starts from (the follower, the favoriter). */
  readonly from: string;
  /** What it points at (a seller, an item). */
  readonly to: string;
  /** When the relation was last changed; later changes win, whatever order they arrive in. */
  readonly since: Date;
  /** A relation that lapses by itself (browsing history). */
  readonly expiresAt?: Date;
}

export type RelationChange =
  | { readonly kind: 'put'; readonly relation: Relation }
  | {
      readonly kind: 'remove';
      readonly type: RelationType;
      readonly from: string;
      readonly to: string;
      readonly at: Date;
    };

/** One page of accounts related to a target, in ascending account order. */
export interface AudiencePage {
  readonly userIds: readonly string[];
  /** Opaque; absent on the last page. */
  readonly next?: string;
}

export interface AudienceQuery {
  readonly type: RelationType;
  readonly to: string;
  readonly shard: number;
  /** Relations that expired before this instant are not part of the audience. */
  readonly at: Date;
  readonly limit: number;
  readonly after?: string;
}

/** Port: where relations live. */
export interface RelationStore {
  apply(change: RelationChange): Promise<void>;
  /** Accounts related to `to` by `type`, within one shard, one page at a time. */
  audiencePage(query: AudienceQuery): Promise<AudiencePage>;
  /**
   * Loads relations in bulk (an existing graph moving to Herald): the same items `apply` writes,
   * in batches. An imported relation replaces what is stored for it, newer or not, so a graph
   * is imported before its live relation events are switched on.
   */
  importRelations(relations: readonly Relation[]): Promise<void>;
  /** How many shards the audience of `to` is read in: 1 unless the target is hot. */
  shardCountOf(type: RelationType, to: string): Promise<number>;
  /** Moves a hot target to `shards` shards (never fewer than it has). See sharding.ts. */
  promote(type: RelationType, to: string, shards: number): Promise<void>;
  /**
   * Starts a new target on `shards` shards, with no older layout whose positions every write
   * would have to tombstone (an imported graph's known hot targets). Throws
   * `TargetAlreadyLaidOutError` when the target has a layout or any relation of `type`.
   */
  startLayout(type: RelationType, to: string, shards: number): Promise<void>;
  /**
   * Moves relations written under an older layout out of shard `from` to where the target's
   * current layout puts them, so a promoted target's existing audience spreads too. Safe to
   * repeat; returns how many moved.
   */
  relocate(type: RelationType, to: string, accounts: readonly string[], from: number): Promise<number>;
}

/** A target that already has relations or a layout cannot start on a layout of its own. */
export class TargetAlreadyLaidOutError extends HeraldError {
  constructor(to: string, why: string) {
    super(`target ${to} ${why}: only a new target starts on its own layout (promote a known one)`);
    this.name = 'TargetAlreadyLaidOutError';
  }
}
