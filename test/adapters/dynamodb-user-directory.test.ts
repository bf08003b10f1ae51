import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbUserDirectory } from '../../shared/adapters/dynamodb/user-directory.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { logger } from '../../shared/observability/logger.ts';
import { usersTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let tableName: string;
let users: DynamoDbUserDirectory;

/** Writes an item as another system would, through the low-level client, attribute types and all. */
const putRaw = (item: Record<string, unknown>) =>
  client.send(new PutItemCommand({ TableName: tableName, Item: item as never }));

describe('DynamoDbUserDirectory, profiles written by other systems, on DynamoDB Local', () => {
  beforeAll(async () => {
    tableName = await freshTable(client, usersTable);
    users = new DynamoDbUserDirectory(documentClientOf(client), tableName);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => client.destroy());

  it('reads string sets as flags and opt-outs, normalised', async () => {
    await putRaw({
      pk: { S: 'set-user' },
      timeZone: { S: 'Europe/Paris' },
      flags: { SS: ['Minor '] },
      optOuts: { SS: ['Listings', 'offers'] },
    });

    const profile = (await users.profilesOf(['set-user'])).get('set-user');

    expect(profile).toEqual({
      id: 'set-user',
      timeZone: 'Europe/Paris',
      flags: ['minor'],
      optOuts: expect.arrayContaining(['listings', 'offers']),
    });
  });

  it('reads every other profile of the page when one item is unreadable, and names the field of the bad one', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await putRaw({ pk: { S: 'good' }, flags: { L: [{ S: 'minor' }] }, optOuts: { L: [] } });
    await putRaw({ pk: { S: 'number' }, timeZone: { S: 'Asia/Shanghai' }, flags: { N: '7' } });
    await putRaw({ pk: { S: 'garbage' }, flags: { M: { minor: { BOOL: true } } }, optOuts: { S: 'offers' } });
    await putRaw({ pk: { S: 'numbers' }, flags: { NS: ['1', '2'] } });
    await putRaw({ pk: { S: 'mixed' }, flags: { L: [{ S: 'minor' }, { N: '3' }] } });
    await putRaw({ pk: { S: 'nulls' }, flags: { NULL: true }, optOuts: { NULL: true } });

    const profiles = await users.profilesOf(['good', 'number', 'garbage', 'numbers', 'mixed', 'nulls']);

    expect(profiles.get('good')).toEqual({ id: 'good', timeZone: 'UTC', flags: ['minor'], optOuts: [] });
    expect(profiles.get('number')).toEqual({
      id: 'number',
      timeZone: 'Asia/Shanghai',
      flags: [],
      optOuts: [],
      unreadable: 'flags: expected an array of strings, received number',
    });
    expect(profiles.get('garbage')?.unreadable).toBe(
      'flags: expected an array of strings, received object; optOuts: expected an array of strings, received string',
    );
    expect(profiles.get('numbers')?.unreadable).toBe('flags[0]: expected a string, received number');
    expect(profiles.get('mixed')).toMatchObject({
      flags: [],
      unreadable: 'flags[1]: expected a string, received number',
    });
    expect(profiles.get('nulls')).toEqual({ id: 'nulls', timeZone: 'UTC', flags: [], optOuts: [] });
    expect(warn.mock.calls).toContainEqual([
      'unreadable field in a user profile; using its default',
      { userId: 'number', field: 'flags' },
    ]);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('offers');
  });

  it('saves a profile normalised, and refuses an unknown flag naming it', async () => {
    await users.save({ id: 'saved', timeZone: 'UTC', flags: [' Complained'], optOuts: ['Promotions '] });

    expect((await users.profilesOf(['saved'])).get('saved')).toEqual({
      id: 'saved',
      timeZone: 'UTC',
      flags: ['complained'],
      optOuts: ['promotions'],
    });
    await expect(users.save({ id: 'x', timeZone: 'UTC', flags: ['vip'], optOuts: [] })).rejects.toThrow(
      new ValidationError('flags[0]', 'unknown flag "vip"; expected one of "minor"|"complained"|"blocked"'),
    );
  });
});
