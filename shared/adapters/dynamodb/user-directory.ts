import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { normaliseProfile, normaliseTerms } from '../../domain/users/profile-terms.ts';
import { isTimeZone } from '../../domain/users/time-zone.ts';
import type { UserDirectory, UserProfile } from '../../domain/users/user.ts';
import { formatPath } from '../../domain/validation.ts';
import { logger } from '../../observability/logger.ts';
import { batchGetByKey } from './batch-get.ts';

/** A zone this runtime does not know would break every calendar sum of a page: the user gets UTC, and a warning. */
const timeZoneOf = (userId: string, stored: unknown): string => {
  if (stored === undefined) return 'UTC';
  if (typeof stored === 'string' && isTimeZone(stored)) return stored;
  logger.warn('unknown time zone in a user profile; using UTC', { userId, timeZone: String(stored) });
  return 'UTC';
};

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Set) return 'a set';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value;
};

/**
 * Flags and opt-outs as other systems may have stored them: a list of strings, or a string set
 * (the document client reads it as a Set). Absent or NULL means none.
 */
const storedTerms = z.preprocess(
  (value) => (value instanceof Set ? [...value] : (value ?? undefined)),
  z
    .array(z.string({ error: (issue) => `expected a string, received ${kindOf(issue.input)}` }), {
      error: (issue) => `expected an array of strings, received ${kindOf(issue.input)}`,
    })
    .optional(),
);

/**
 * The profile an item describes. A field Herald cannot read gets its default and is named in
 * `unreadable`, so one item another system wrote in an odd shape never fails a whole page of
 * the audience. Logs name the user and the field, never the stored values.
 */
const profileOf = (id: string, item: Record<string, unknown>): UserProfile => {
  const problems: string[] = [];
  const terms = (field: 'flags' | 'optOuts'): string[] => {
    const parsed = storedTerms.safeParse(item[field]);
    if (parsed.success) return normaliseTerms(parsed.data ?? []);
    const issue = parsed.error.issues[0]!;
    problems.push(`${formatPath([field, ...issue.path])}: ${issue.message}`);
    logger.warn('unreadable field in a user profile; using its default', { userId: id, field });
    return [];
  };
  const flags = terms('flags');
  const optOuts = terms('optOuts');
  return {
    id,
    timeZone: timeZoneOf(id, item.timeZone),
    flags,
    optOuts,
    ...(problems.length > 0 ? { unreadable: problems.join('; ') } : {}),
  };
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
    for (const [id, item] of items) profiles.set(id, profileOf(id, item));
    return profiles;
  }

  /** Stores the profile normalised; throws ValidationError naming an unknown flag. */
  async save(profile: UserProfile): Promise<void> {
    const normal = normaliseProfile(profile);
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          pk: normal.id,
          timeZone: normal.timeZone,
          flags: [...normal.flags],
          optOuts: [...normal.optOuts],
        },
      }),
    );
  }
}
