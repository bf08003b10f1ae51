import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionTables } from '../../shared/local/provision.ts';
import { ledgerTable } from '../../shared/resources/tables.ts';
import { dynamoDbClient } from '../support/engines.ts';

const client = dynamoDbClient();
const ttlOf = async (tableName: string) =>
  (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;

describe('provisionTables on DynamoDB Local', () => {
  afterAll(() => client.destroy());

  it('turns TTL on as on AWS for a runtime on the wall clock', async () => {
    const names = await provisionTables(client, [ledgerTable], `ttl-on-${Date.now()}-`, { timeToLive: true });

    expect(await ttlOf(names.Ledger!)).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('leaves TTL off for a simulated clock, whose past DynamoDB Local would sweep away', async () => {
    const names = await provisionTables(client, [ledgerTable], `ttl-off-${Date.now()}-`, {
      timeToLive: false,
    });

    expect((await ttlOf(names.Ledger!))?.TimeToLiveStatus ?? 'DISABLED').toBe('DISABLED');
  });
});
