import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AudiencePage,
  AudienceQuery,
  RelationChange,
  RelationStore,
  RelationType,
} from '../../domain/relations/relation.ts';
import { defaultShardCount, shardOf } from '../../domain/relations/sharding.ts';
import { isConditionFailure } from './errors.ts';

/** How long an unfollow is remembered, so a follow that arrives late cannot revive it. */
const TOMBSTONE_SECONDS = 30 * 86_400;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Relations on DynamoDB. Key: `type#target#shard` / source; index bySource: `type#source` /
 * target. A removal is a tombstone so that changes apply in event-time order whatever order
 * they arrive in; reads skip tombstones and relations whose TTL passed but which DynamoDB has
 * not deleted yet (TTL deletes lazily).
 */
export class DynamoDbRelationStore implements RelationStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #shardCountOf: (target: string) => number;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    shardCountOf = (_: string) => defaultShardCount,
  ) {
    this.#client = client;
    this.#tableName = tableName;
    this.#shardCountOf = shardCountOf;
  }

  async apply(change: RelationChange): Promise<void> {
    const type = change.kind === 'put' ? change.relation.type : change.type;
    const from = change.kind === 'put' ? change.relation.from : change.from;
    const to = change.kind === 'put' ? change.relation.to : change.to;
    const at = change.kind === 'put' ? change.relation.since : change.at;
    const expiresAt =
      change.kind === 'put'
        ? change.relation.expiresAt && epochSeconds(change.relation.expiresAt)
        : epochSeconds(at) + TOMBSTONE_SECONDS;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            pk: `${type}#${to}#${shardOf(from, this.#shardCountOf(to))}`,
            sk: from,
            sourceKey: `${type}#${from}`,
            targetKey: to,
            since: at.getTime(),
            ...(expiresAt === undefined ? {} : { expiresAt }),
            ...(change.kind === 'remove' ? { removed: true } : {}),
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
        FilterExpression:
          'attribute_not_exists(removed) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
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
    const targets: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: 'bySource',
          KeyConditionExpression: 'sourceKey = :source',
          FilterExpression:
            'attribute_not_exists(removed) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeValues: { ':source': `${type}#${from}`, ':now': epochSeconds(at) },
          ProjectionExpression: 'targetKey',
          ExclusiveStartKey: start,
        }),
      );
      targets.push(...(out.Items ?? []).map((item) => item.targetKey as string));
      start = out.LastEvaluatedKey;
    } while (start);
    return targets;
  }
}
