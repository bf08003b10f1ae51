import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRecipientClaims } from '../../shared/adapters/dynamodb/recipient-claims.ts';
import { ledgerTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let now = new Date('2026-11-21T10:00:00Z');
let claims: DynamoDbRecipientClaims;
const later = new Date('2026-11-28T10:00:00Z');

describe('DynamoDbRecipientClaims on DynamoDB Local', () => {
  beforeAll(async () => {
    claims = new DynamoDbRecipientClaims(
      documentClientOf(client),
      await freshTable(client, ledgerTable),
      () => now,
    );
  });
  afterAll(() => client.destroy());

  it('lets the owner claim again and refuses anyone else', async () => {
    expect(await claims.claim([{ key: 'k1', owner: 'task-1' }], later)).toEqual(['claimed']);
    expect(await claims.claim([{ key: 'k1', owner: 'task-1' }], later)).toEqual(['already-mine']);
    expect(await claims.claim([{ key: 'k1', owner: 'task-2' }], later)).toEqual(['taken']);
  });

  it('exactly one of many concurrent owners wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claims.claim([{ key: 'contended', owner: `task-${i}` }], later)),
    );

    expect(results.flat().filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.flat().filter((r) => r === 'taken')).toHaveLength(19);
  });

  it('treats a claim past its TTL as free, even before DynamoDB deletes it', async () => {
    await claims.claim([{ key: 'k2', owner: 'task-1' }], new Date('2026-11-21T11:00:00Z'));
    now = new Date('2026-11-21T12:00:00Z');

    expect(await claims.claim([{ key: 'k2', owner: 'task-9' }], later)).toEqual(['claimed']);
  });
});
