import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isTimeZone } from '../../domain/users/time-zone.ts';
import type { UserDirectory, UserProfile } from '../../domain/users/user.ts';
import { logger } from '../../observability/logger.ts';
import { batchGetByKey } from './batch-get.ts';

/** A zone this runtime does not know would break every calendar sum of a page: the user gets UTC, and a warning. */
const timeZoneOf = (userId: string, stored: unknown): string => {
  if (stored === undefined) return 'UTC';
  if (typeof stored === 'string' && isTimeZone(stored)) return stored;
  logger.warn('unknown time zone in a user profile; using UTC', { userId, timeZone: String(stored) });
  return 'UTC';
};

/** User profiles on DynamoDB, one item per user, read 100 at a time. */
export class DynamoDbUserDirectory implements UserDirectory {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async profilesOf(userIds: readonly string[]): Promise<Map<string, UserProfile>> {
    const items = await batchGetByKey(this.#client, this.#tableName, userIds);
    const profiles = new Map<string, UserProfile>();
    for (const [id, item] of items) {
      profiles.set(id, {
        id,
        timeZone: timeZoneOf(id, item.timeZone),
        flags: (item.flags as string[]) ?? [],
        optOuts: (item.optOuts as string[]) ?? [],
      });
    }
    return profiles;
  }

  async save(profile: UserProfile): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          pk: profile.id,
          timeZone: profile.timeZone,
          flags: [...profile.flags],
          optOuts: [...profile.optOuts],
        },
      }),
    );
  }
}
