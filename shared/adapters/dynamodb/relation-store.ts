import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AudiencePage,
  AudienceQuery,
  RelationChange,
  RelationStore,
  RelationType,
} from '../../domain/relations/relation.ts';
import {
  currentShards,
  initialLayouts,
  positionsOf,
  removalPositionsOf,
  type ShardLayouts,
} from '../../domain/relations/sharding.ts';
import { isConditionFailure } from './errors.ts';

/** How long an unfollow is remembered, so a follow that arrives late cannot revive it. */
const TOMBSTONE_SECONDS = 30 * 86_400;
/** Writers learn of a target's promotion within this long; until then they write the older layout, which readers still cover. */
const LAYOUT_CACHE_MS = 60_000;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const LIVE = 'attribute_not_exists(removed) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)';

/**
 * Relations on DynamoDB. Key: `type#target#shard` / source; index bySource: `type#source` /
 * target. A removal is a tombstone so that changes apply in event-time order whatever order
 * they arrive in; reads skip tombstones and relations whose TTL passed but which DynamoDB has
 * not deleted yet (TTL deletes lazily). Hot targets are sharded (see sharding.ts); their layouts
 * live in an item `layout#target` beside the relations, one per target whatever the relation type.
 */
export class DynamoDbRelationStore implements RelationStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #layouts = new Map<string, { layouts: ShardLayouts; readAt: number }>();

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async apply(change: RelationChange): Promise<void> {
    const { type, from, to } = change.kind === 'put' ? change.relation : change;
    const at = change.kind === 'put' ? change.relation.since : change.at;
    const tombstone = { removed: true, expiresAt: epochSeconds(at) + TOMBSTONE_SECONDS };
    const layouts = await this.#layoutsOf(to, false);
    const [newest, ...older] =
      change.kind === 'remove' ? removalPositionsOf(from, layouts) : positionsOf(from, layouts);
    const live =
      change.kind === 'put'
        ? change.relation.expiresAt
          ? { expiresAt: epochSeconds(change.relation.expiresAt) }
          : {}
        : tombstone;
    await this.#write(type, from, to, newest!, at, live);
    // After a promotion, an account's older positions must not stay live beside the new one.
    for (const shard of older) await this.#write(type, from, to, shard, at, tombstone);
  }

  async #write(
    type: RelationType,
    from: string,
    to: string,
    shard: number,
    at: Date,
    state: Record<string, unknown>,
  ) {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: `${type}#${to}#${shard}`,
            sk: from,
            sourceKey: `${type}#${from}`,
            targetKey: to,
            since: at.getTime(),
            ...state,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR since <= :since',
          ExpressionAttributeValues: { ':since': at.getTime() },
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

  async targetsOf(type: RelationType, from: string, at: Date): Promise<string[]> {
    const targets = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: 'bySource',
          KeyConditionExpression: 'sourceKey = :source',
          FilterExpression: LIVE,
          ExpressionAttributeValues: { ':source': `${type}#${from}`, ':now': epochSeconds(at) },
          ProjectionExpression: 'targetKey',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) targets.add(item.targetKey as string);
      start = out.LastEvaluatedKey;
    } while (start);
    return [...targets];
  }

  async relocate(type: RelationType, to: string, accounts: readonly string[], from: number): Promise<number> {
    const layouts = await this.#layoutsOf(to, false);
    let moved = 0;
    for (const account of accounts) {
      const [newest] = positionsOf(account, layouts);
      if (newest === from) continue;
      const out = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { pk: `${type}#${to}#${from}`, sk: account },
          ConsistentRead: true,
        }),
      );
      const item = out.Item;
      if (!item || item.removed) continue;
      // Same `since`: a change made meanwhile is newer and wins at either position.
      const at = new Date(item.since as number);
      await this.#write(
        type,
        account,
        to,
        newest!,
        at,
        item.expiresAt === undefined ? {} : { expiresAt: item.expiresAt },
      );
      await this.#write(type, account, to, from, at, {
        removed: true,
        expiresAt: epochSeconds(at) + TOMBSTONE_SECONDS,
      });
      moved++;
    }
    return moved;
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
