import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const MAX_KEYS = 100;
const MAX_ATTEMPTS = 8;

/**
 * Reads items by partition key in BatchGetItem requests of 100, retrying unprocessed keys with
 * backoff, and returns them by key. Keys with no item are simply absent from the map.
 */
export const batchGetByKey = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly string[],
  keyName = 'pk',
  consistent = false,
): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Set(keys)];
  for (let start = 0; start < unique.length; start += MAX_KEYS) {
    let pending: Record<string, unknown>[] = unique
      .slice(start, start + MAX_KEYS)
      .map((k) => ({ [keyName]: k }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `BatchGetItem on ${tableName}: keys still unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** attempt));
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(String(item[keyName]), item);
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
};
