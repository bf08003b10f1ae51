import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDefinition } from '../resources/queues.ts';
import type { KeyAttribute, TableDefinition } from '../resources/tables.ts';

const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => [
  { AttributeName: pk.name, KeyType: 'HASH' as const },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
];

/** The CreateTable request for a table definition; CDK builds the same table from the same object. */
export const createTableInput = (table: TableDefinition, tableName: string): CreateTableCommandInput => {
  const indexes = table.globalSecondaryIndexes ?? [];
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [
    table.partitionKey,
    table.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    if (key) attributes.set(key.name, key);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    AttributeDefinitions: [...attributes.values()].map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((i) => ({
            IndexName: i.indexName,
            KeySchema: keySchema(i.partitionKey, i.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
};

/**
 * Creates every table under `prefix`, and returns their names by definition id.
 *
 * `timeToLive` turns TTL on as on AWS. DynamoDB Local deletes expired items within seconds, by
 * the wall clock; a runtime driven by a simulated clock (a scenario in 2025, tests) must leave it
 * off, or counters and tombstones of the simulated past would vanish mid-run. Herald never relies
 * on TTL deletion anyway: every read filters expired items by the runtime's own clock.
 */
export const provisionTables = async (
  client: DynamoDBClient,
  definitions: readonly TableDefinition[],
  prefix: string,
  options: { timeToLive: boolean },
): Promise<Record<string, string>> => {
  const names: Record<string, string> = {};
  await Promise.all(
    definitions.map(async (table) => {
      const tableName = `${prefix}${table.id}`;
      await client.send(new CreateTableCommand(createTableInput(table, tableName)));
      if (table.timeToLiveAttribute && options.timeToLive) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
      names[table.id] = tableName;
    }),
  );
  return names;
};

/**
 * Creates the queues with their redrive policies (dead-letter queues first), and returns their
 * URLs by definition id.
 */
export const provisionQueues = async (
  client: SQSClient,
  definitions: readonly QueueDefinition[],
  prefix: string,
): Promise<Record<string, string>> => {
  const urls: Record<string, string> = {};
  const create = async (queue: QueueDefinition): Promise<string> => {
    if (urls[queue.id]) return urls[queue.id]!;
    let redrive: Record<string, string> = {};
    if (queue.deadLetterQueue) {
      const dlqUrl = await create(queue.deadLetterQueue);
      const arn = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
      );
      redrive = {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: queue.maxReceiveCount ?? 5,
        }),
      };
    }
    const out = await client.send(
      new CreateQueueCommand({
        QueueName: `${prefix}${queue.id}`,
        Attributes: {
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(queue.retentionDays * 86_400),
          ...redrive,
        },
      }),
    );
    urls[queue.id] = out.QueueUrl!;
    return out.QueueUrl!;
  };
  for (const queue of definitions) await create(queue);
  return urls;
};
