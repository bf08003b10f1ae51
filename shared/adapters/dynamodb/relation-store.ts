import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
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
import { isConditionFailure } from './errors.ts';
import { LruCache } from './lru-cache.ts';

/** How long an unfollow is remembered, so a follow that arrives late cannot revive it. */
const TOMBSTONE_SECONDS = 30 * 86_400;
/** Writers learn of a target's promotion within this long; until then they write the older layout, which readers still cover. */
const LAYOUT_CACHE_MS = 60_000;
/** Targets whose layouts a writer remembers: the hot ones, which most writes go to, stay; a long tail is read again. */
export const LAYOUT_CACHE_TARGETS = 4096;
/** BatchWriteItem's and BatchGetItem's limits. */
const MAX_PUTS = 25;
const MAX_GETS = 100;
/** Conditional writes in flight at once while moving relations after a promotion. */
const RELOCATE_LANES = 16;
const MAX_BATCH_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 2000;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const LIVE = 'attribute_not_exists(removed) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)';

/** One stored position of a relation: live, or a tombstone. */
type RelationItem = { pk: string; sk: string; since: number } & Record<string, unknown>;

export interface RelationStoreOptions {
  /** Targets whose shard layouts are cached (least recently used forgotten first). */
  readonly layoutCacheTargets?: number;
  /** Waits before a BatchWriteItem retry; tests make it instant. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The items a change writes: its position under the target's newest layout, and tombstones at
 * its older positions, so that after a promotion an account never stays live in two shards.
 * A removal leaves tombstones wherever a stale layout could have put the account.
 */
const itemsOf = (change: RelationChange, layouts: ShardLayouts): RelationItem[] => {
  const { type, from, to } = change.kind === 'put' ? change.relation : change;
  const at = change.kind === 'put' ? change.relation.since : change.at;
  const tombstone = { removed: true, expiresAt: epochSeconds(at) + TOMBSTONE_SECONDS };
  const [newest, ...older] =
    change.kind === 'remove' ? removalPositionsOf(from, layouts) : positionsOf(from, layouts);
  const live =
    change.kind === 'put'
      ? change.relation.expiresAt
        ? { expiresAt: epochSeconds(change.relation.expiresAt) }
        : {}
      : tombstone;
  const item = (shard: number, state: Record<string, unknown>): RelationItem => ({
    pk: `${type}#${to}#${shard}`,
    sk: from,
    since: at.getTime(),
    ...state,
  });
  return [item(newest!, live), ...older.map((shard) => item(shard, tombstone))];
};

/**
 * Relations on DynamoDB. Key: `type#target#shard` / source, and no index: every read Herald makes
 * is "who relates to this target", and an index would double the cost of every write. A removal is a tombstone so that changes apply in event-time order whatever order
 * they arrive in; reads skip tombstones and relations whose TTL passed but which DynamoDB has
 * not deleted yet (TTL deletes lazily). Hot targets are sharded (see sharding.ts); their layouts
 * live in an item `layout#target` beside the relations, one per target whatever the relation type;
 * writers cache them for a minute, for the most recently used few thousand targets.
 */
export class DynamoDbRelationStore implements RelationStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #layouts: LruCache<string, { layouts: ShardLayouts; readAt: number }>;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(client: DynamoDBDocumentClient, tableName: string, options: RelationStoreOptions = {}) {
    this.#client = client;
    this.#tableName = tableName;
    this.#layouts = new LruCache(options.layoutCacheTargets ?? LAYOUT_CACHE_TARGETS);
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async apply(change: RelationChange): Promise<void> {
    const { to } = change.kind === 'put' ? change.relation : change;
    for (const item of itemsOf(change, await this.#layoutsOf(to, false))) await this.#write(item);
  }

  /**
   * Stores relations in BatchWriteItem requests of 25 items, with the items `apply` would write.
   * BatchWriteItem takes no condition, so an imported relation replaces whatever is stored at
   * its key, newer or not; of two lines for one relation in a batch, the later one is kept.
   * Unprocessed items (throttling) are retried with full-jitter backoff.
   */
  async importRelations(relations: readonly Relation[]): Promise<void> {
    const targets = [...new Set(relations.map((r) => r.to))];
    const layouts = new Map(
      await Promise.all(targets.map(async (to) => [to, await this.#layoutsOf(to, false)] as const)),
    );
    const items = new Map<string, RelationItem>();
    for (const relation of relations) {
      for (const item of itemsOf({ kind: 'put', relation }, layouts.get(relation.to)!)) {
        // One request may not name a key twice.
        const key = `${item.pk}\u0000${item.sk}`;
        items.delete(key);
        items.set(key, item);
      }
    }
    const all = [...items.values()];
    for (let start = 0; start < all.length; start += MAX_PUTS) {
      await this.#batchWrite(all.slice(start, start + MAX_PUTS));
    }
  }

  async #batchWrite(items: readonly RelationItem[]): Promise<void> {
    let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS)
        throw new Error(
          `BatchWriteItem on ${this.#tableName}: ${pending.length} relation item(s) still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
        );
      if (attempt > 0)
        await this.#sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
      const out = await this.#client.send(
        new BatchWriteCommand({ RequestItems: { [this.#tableName]: pending as never } }),
      );
      pending = (out.UnprocessedItems?.[this.#tableName] ?? []) as Record<string, unknown>[];
    }
  }

  async #write(item: RelationItem) {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR since <= :since',
          ExpressionAttributeValues: { ':since': item.since },
        }),
      );
    } catch (error) {
      // A newer change of the same relation is already stored: this one is stale, not an error.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async audiencePage(query: AudienceQuery): Promise<AudiencePage> {
    const shardKey = `${query.type}#${query.to}#${query.shard}`;
    const out = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: LIVE,
        ExpressionAttributeValues: { ':pk': shardKey, ':now': epochSeconds(query.at) },
        ProjectionExpression: 'sk',
        Limit: query.limit,
        ...(query.after ? { ExclusiveStartKey: { pk: shardKey, sk: query.after } } : {}),
      }),
    );
    const next = out.LastEvaluatedKey?.sk as string | undefined;
    return { userIds: (out.Items ?? []).map((item) => item.sk as string), ...(next ? { next } : {}) };
  }

  /**
   * Moves in batches: the misplaced accounts' items are read 100 to a BatchGetItem (consistent),
   * then each move's two conditional writes (live at the new position, tombstone at the old) go
   * out in parallel lanes. The writes stay conditional, one item each: an unconditional batch
   * could write an old follow over an unfollow made between the read and the write.
   */
  async relocate(type: RelationType, to: string, accounts: readonly string[], from: number): Promise<number> {
    const layouts = await this.#layoutsOf(to, false);
    const moving = accounts.flatMap((account) => {
      const [newest] = positionsOf(account, layouts);
      return newest === from ? [] : [{ account, newest: newest! }];
    });
    const oldKey = `${type}#${to}#${from}`;
    const items = await this.#readConsistently(
      oldKey,
      moving.map((m) => m.account),
    );
    const moves = moving.filter((m) => {
      const item = items.get(m.account);
      return item !== undefined && !item.removed;
    });
    let next = 0;
    const lane = async () => {
      while (next < moves.length) {
        const { account, newest } = moves[next++]!;
        const item = items.get(account)!;
        // Same `since`: a change made meanwhile is newer and wins at either position.
        const since = item.since as number;
        const live = { pk: `${type}#${to}#${newest}`, sk: account, since };
        await this.#write(item.expiresAt === undefined ? live : { ...live, expiresAt: item.expiresAt });
        await this.#write({
          pk: oldKey,
          sk: account,
          since,
          removed: true,
          expiresAt: Math.floor(since / 1000) + TOMBSTONE_SECONDS,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(RELOCATE_LANES, moves.length) }, lane));
    return moves.length;
  }

  /** The items of `accounts` under one shard key, 100 to a consistent BatchGetItem. */
  async #readConsistently(pk: string, accounts: readonly string[]) {
    const found = new Map<string, Record<string, unknown>>();
    for (let start = 0; start < accounts.length; start += MAX_GETS) {
      let keys: Record<string, unknown>[] = accounts.slice(start, start + MAX_GETS).map((sk) => ({ pk, sk }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS)
          throw new Error(`BatchGetItem on ${this.#tableName}: ${keys.length} key(s) still unprocessed`);
        if (attempt > 0)
          await this.#sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
        const out = await this.#client.send(
          new BatchGetCommand({
            RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.#tableName] ?? []) found.set(String(item.sk), item);
        keys = (out.UnprocessedKeys?.[this.#tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }

  async shardCountOf(_type: RelationType, to: string): Promise<number> {
    return currentShards(await this.#layoutsOf(to, true));
  }

  async promote(_type: RelationType, to: string, shards: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { pk: `layout#${to}`, sk: 'layout' },
          UpdateExpression: 'SET shards = list_append(if_not_exists(shards, :initial), :next), #current = :n',
          ConditionExpression: 'attribute_not_exists(#current) OR #current < :n',
          ExpressionAttributeNames: { '#current': 'current' },
          ExpressionAttributeValues: { ':initial': [...initialLayouts], ':next': [shards], ':n': shards },
        }),
      );
    } catch (error) {
      // Another worker promoted the target as far or further: nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
    this.#layouts.delete(to);
  }

  async startLayout(type: RelationType, to: string, shards: number): Promise<void> {
    const layout = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: `layout#${to}`, sk: 'layout' },
        ConsistentRead: true,
      }),
    );
    if (layout.Item) throw new TargetAlreadyLaidOutError(to, 'has a layout');
    // A target that never moved keeps everything in shard 0: one key read says whether it is new.
    const existing = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${type}#${to}#0` },
        ProjectionExpression: 'pk',
        Limit: 1,
      }),
    );
    if ((existing.Items?.length ?? 0) > 0) throw new TargetAlreadyLaidOutError(to, `has ${type} relations`);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { pk: `layout#${to}`, sk: 'layout', shards: [shards], current: shards },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Laid out by someone else between the read and the write.
      if (isConditionFailure(error)) throw new TargetAlreadyLaidOutError(to, 'has a layout');
      throw error;
    }
    this.#layouts.delete(to);
  }

  /** A target's layouts, shared by every relation type; `fresh` reads past the cache, as planners do. */
  async #layoutsOf(to: string, fresh: boolean): Promise<ShardLayouts> {
    const key = to;
    const cached = this.#layouts.get(key);
    if (!fresh && cached && Date.now() - cached.readAt < LAYOUT_CACHE_MS) return cached.layouts;
    const out = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk: `layout#${key}`, sk: 'layout' } }),
    );
    const layouts = (out.Item?.shards as number[] | undefined) ?? initialLayouts;
    this.#layouts.set(key, { layouts, readAt: Date.now() });
    return layouts;
  }
}
