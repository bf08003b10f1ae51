import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, prices } from '../../shared/domain/costs/price-table.ts';
import { RequestMeter } from '../../shared/observability/request-meter.ts';
import { fanoutQueue } from '../../shared/resources/queues.ts';
import { usersTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshQueues, freshTable, sqsClient } from '../support/engines.ts';

const dynamodb = dynamoDbClient();
const sqs = sqsClient();
const meter = new RequestMeter();
let tableName: string;
let queueUrl: string;

describe('RequestMeter on DynamoDB Local and fauxqs', () => {
  beforeAll(async () => {
    tableName = await freshTable(dynamodb, usersTable);
    queueUrl = (await freshQueues(sqs, [fanoutQueue]))[fanoutQueue.id]!;
    meter.attach(dynamodb, 'dynamodb');
    meter.attach(sqs, 'sqs');
  });
  afterAll(() => {
    dynamodb.destroy();
    sqs.destroy();
  });

  it('attributes DynamoDB capacity units to the scope whose work ran', async () => {
    const doc = documentClientOf(dynamodb);

    await meter.within('recipe-a', async () => {
      await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'u1', big: 'x'.repeat(3000) } }));
      await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'u1' }, ConsistentRead: true }));
    });

    // A 3 KB item costs 3 write units and, read consistently, 1 read unit.
    expect(meter.usageOf('recipe-a')).toMatchObject({ dynamodbWriteUnits: 3, dynamodbReadUnits: 1 });
    expect(meter.requests.get('dynamodb:PutItem')).toBe(1);
  });

  it('bills a write whose condition failed, and counts units per table', async () => {
    const doc = documentClientOf(dynamodb);
    const put = () =>
      doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: 'c1' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await meter.within('conditions', async () => {
      await put();
      await expect(put()).rejects.toThrow();
    });

    expect(meter.usageOf('conditions').dynamodbWriteUnits).toBe(2);
    expect(meter.requests.get('dynamodb:PutItem')).toBe(3);
    expect(meter.unitsByTable.get(tableName)).toEqual({ read: 1, write: 5 });
  });

  it('splits a transaction across tables by the units each table used', async () => {
    const doc = documentClientOf(dynamodb);
    const other = await freshTable(dynamodb, usersTable);

    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { pk: 't1' } } },
          { Put: { TableName: other, Item: { pk: 't1', big: 'x'.repeat(1500) } } },
        ],
      }),
    );

    // A transactional write costs two units per KB of each item.
    expect(meter.unitsByTable.get(other)?.write).toBe(4);
    expect(meter.unitsByTable.get(tableName)?.write).toBe(7);
  });

  it('bills a transaction two units per item, though DynamoDB Local reports its small items together', async () => {
    const doc = documentClientOf(dynamodb);
    const items = (prefix: string) =>
      [1, 2, 3, 4].map((i) => ({
        Put: {
          TableName: tableName,
          Item: { pk: `${prefix}${i}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }));
    await meter.within('transactions', () =>
      doc.send(new TransactWriteCommand({ TransactItems: items('x') })),
    );
    expect(meter.usageOf('transactions').dynamodbWriteUnits).toBe(8);

    // Cancelled by its condition: AWS still bills every item.
    await meter.within('cancelled', async () => {
      await expect(doc.send(new TransactWriteCommand({ TransactItems: items('x') }))).rejects.toThrow();
    });
    expect(meter.usageOf('cancelled').dynamodbWriteUnits).toBe(8);
  });

  it("says which kinds of item a table's write units went to", async () => {
    const doc = documentClientOf(dynamodb);
    const unitsOf = (kind: string) => meter.writeUnitsByKind.get(`${tableName}|${kind}`) ?? 0;
    const [fatigue, outbox] = [unitsOf('fatigue'), unitsOf('outbox')];
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'fatigue#u1#2026-W47', n: 1 } }));
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: [1, 2].map((i) => ({
            PutRequest: { Item: { pk: `outbox#job-${i}`, big: 'x'.repeat(1500) } },
          })),
        },
      }),
    );
    expect(unitsOf('fatigue') - fatigue).toBe(1);
    expect(unitsOf('outbox') - outbox).toBe(4);

    // A key that is a bare id (a user's profile) is one kind, however many users are written.
    const items = unitsOf('item');
    for (const pk of ['user-1', 'user-2'])
      await doc.send(new PutCommand({ TableName: tableName, Item: { pk } }));
    expect(unitsOf('item') - items).toBe(2);
    expect(meter.writeUnitsByKind.has(`${tableName}|user-1`)).toBe(false);
  });

  it('bills SQS by 64 KB chunk of payload', async () => {
    await meter.within('recipe-b', async () => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(100 * 1024) }));
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: 'small' })),
        }),
      );
    });

    expect(meter.usageOf('recipe-b').sqsRequests).toBe(3);
    expect(costOf(meter.usageOf('recipe-b')).byService.sqs).toBeCloseTo(3 * prices.sqsRequest, 12);
  });
});
