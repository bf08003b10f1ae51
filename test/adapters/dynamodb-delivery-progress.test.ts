import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDeliveryProgress } from '../../shared/adapters/dynamodb/work-progress.ts';
import { DeliveryJobBusyError } from '../../shared/domain/push/delivery-progress.ts';
import { ledgerTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let now = 1_000_000;
let progress: DynamoDbDeliveryProgress;
const checkpoint = {
  cursor: 100,
  inFlightUntil: 200,
  counts: [{ outcome: 'delivered' as const, reason: '', variant: 'A', count: 97 }],
  owed: [{ userId: 'amy', deviceIds: ['d1'], settled: true }],
};

describe('DynamoDbDeliveryProgress on DynamoDB Local', () => {
  beforeAll(async () => {
    progress = new DynamoDbDeliveryProgress(
      documentClientOf(client),
      await freshTable(client, ledgerTable),
      () => now,
    );
  });
  afterAll(() => client.destroy());

  it('leases a new job with no checkpoint, and turns a second owner away while the lease runs', async () => {
    expect(await progress.acquire('job-1', 'w1', 60_000)).toEqual({ status: 'acquired' });
    expect(await progress.acquire('job-1', 'w2', 60_000)).toEqual({ status: 'busy' });
  });

  it('hands the job and its last checkpoint to the next owner once the lease has run out', async () => {
    await progress.acquire('job-2', 'w1', 60_000);
    await progress.save('job-2', 'w1', checkpoint);

    now += 60_001;

    expect(await progress.acquire('job-2', 'w2', 60_000)).toEqual({ status: 'acquired', checkpoint });
  });

  it('refuses a checkpoint from an owner whose lease passed to another', async () => {
    await progress.acquire('job-3', 'w1', 1_000);
    now += 1_001;
    await progress.acquire('job-3', 'w2', 60_000);

    await expect(progress.save('job-3', 'w1', checkpoint)).rejects.toThrow(DeliveryJobBusyError);
  });

  it('a released lease lets the next copy in at once; releasing someone else’s does nothing', async () => {
    await progress.acquire('job-4', 'w1', 60_000);
    await progress.release('job-4', 'intruder');
    expect(await progress.acquire('job-4', 'w2', 60_000)).toEqual({ status: 'busy' });

    await progress.release('job-4', 'w1');

    expect(await progress.acquire('job-4', 'w2', 60_000)).toEqual({ status: 'acquired' });
  });

  it('seizing takes a running lease with its checkpoint, and fences the holder out of saving', async () => {
    await progress.acquire('job-5', 'w1', 60_000);
    await progress.save('job-5', 'w1', checkpoint);

    const seized = await progress.seize('job-5', 'giver-up', 60_000);

    expect(seized).toEqual(checkpoint);
    await expect(progress.save('job-5', 'w1', checkpoint)).rejects.toThrow(DeliveryJobBusyError);
    expect(await progress.acquire('job-5', 'w3', 60_000)).toEqual({ status: 'busy' });
  });
});
