import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { type LocalEngines, localCredentials, localRegion } from '../../shared/local/engines.ts';
import { provisionQueues, provisionTables } from '../../shared/local/provision.ts';
import type { QueueDefinition } from '../../shared/resources/queues.ts';
import type { TableDefinition } from '../../shared/resources/tables.ts';

/** The engines the global setup started, for code that takes a LocalEngines. */
export const sharedEngines = (): LocalEngines => ({
  dynamodbEndpoint: inject('dynamodbEndpoint'),
  sqsEndpoint: inject('sqsEndpoint'),
  stop: async () => undefined,
});

const common = { region: localRegion, credentials: localCredentials };

export const dynamoDbClient = () => new DynamoDBClient({ ...common, endpoint: inject('dynamodbEndpoint') });
export const documentClientOf = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
export const sqsClient = () => new SQSClient({ ...common, endpoint: inject('sqsEndpoint') });

/** A fresh table from its shared definition, under a unique name, on DynamoDB Local. */
export const freshTable = async (client: DynamoDBClient, definition: TableDefinition): Promise<string> => {
  // Tests run on fixed, often past, dates: DynamoDB Local's wall-clock TTL would delete their items.
  const names = await provisionTables(client, [definition], `t-${randomUUID().slice(0, 8)}-`, {
    timeToLive: false,
  });
  return names[definition.id]!;
};

/** Fresh queues from their shared definitions, under unique names, on fauxqs. */
export const freshQueues = async (client: SQSClient, definitions: readonly QueueDefinition[]) =>
  provisionQueues(client, definitions, `q-${randomUUID().slice(0, 8)}-`);
