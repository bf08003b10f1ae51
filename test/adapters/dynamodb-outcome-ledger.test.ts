import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbOutcomeLedger } from '../../shared/adapters/dynamodb/outcome-ledger.ts';
import { OutcomeTally } from '../../shared/domain/outcomes/outcome.ts';
import { ledgerTable, outcomesTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let ledger: DynamoDbOutcomeLedger;
let outcomesName: string;

describe('DynamoDbOutcomeLedger on DynamoDB Local', () => {
  beforeAll(async () => {
    const [outcomes, ledgerName] = await Promise.all([
      freshTable(client, outcomesTable),
      freshTable(client, ledgerTable),
    ]);
    outcomesName = outcomes;
    ledger = new DynamoDbOutcomeLedger(
      documentClientOf(client),
      { outcomes, ledger: ledgerName },
      () => new Date(),
    );
  });
  afterAll(() => client.destroy());

  it('reads one scope on given days by key, every shard of each day, and nothing else', async () => {
    const record = async (batch: string, scope: string, at: string, planned: number) => {
      const tally = new OutcomeTally(scope, new Date(at));
      tally.add('planned', '', 'A', planned);
      tally.add('delivered', '', 'A', planned - 1);
      await ledger.record(batch, tally.entries());
    };
    // Forty batches land on most of the day's 16 counter shards: each must be read.
    for (let i = 0; i < 40; i++) await record(`c1-run1-${i}`, 'campaign:c1', '2026-11-20T09:00:00Z', 2);
    await record('c1-run2', 'campaign:c1', '2026-11-21T09:00:00Z', 5);
    await record('c2-run1', 'campaign:c2', '2026-11-20T09:00:00Z', 7);

    expect(await ledger.summaryOf('campaign:c1', ['2026-11-20'])).toMatchObject({
      planned: 80,
      delivered: 40,
    });
    expect(await ledger.summaryOf('campaign:c1', ['2026-11-20', '2026-11-21'])).toMatchObject({
      planned: 85,
      delivered: 44,
    });
    expect(await ledger.summaryOf('campaign:c1', ['2026-11-22'])).toBeUndefined();
    expect(await ledger.summaryOf('campaign:c3', ['2026-11-20'])).toBeUndefined();
  });

  it('adds a batch once, however often it is recorded', async () => {
    const tally = new OutcomeTally('recipe-a', new Date('2026-11-21T10:00:00Z'));
    tally.add('planned', '', 'A', 3);
    tally.add('delivered', '', 'A', 2);
    tally.add('suppressed', 'opted-out');

    expect(await ledger.record('task-1', tally.entries())).toBe('recorded');
    expect(await ledger.record('task-1', tally.entries())).toBe('already-recorded');
    expect(await ledger.wasRecorded('task-1')).toBe(true);
    expect(await ledger.wasRecorded('task-2')).toBe(false);
    expect((await ledger.summary())['recipe-a']).toEqual({
      planned: 3,
      delivered: 2,
      suppressed: { 'opted-out': 1 },
      failed: {},
      rejected: {},
    });
  });

  it('sums batches of the same recipe', async () => {
    for (const batch of ['b1', 'b2']) {
      const tally = new OutcomeTally('recipe-b', new Date('2026-11-21T10:00:00Z'));
      tally.add('failed', 'endpoint-disabled');
      await ledger.record(batch, tally.entries());
    }

    expect((await ledger.summary())['recipe-b']?.failed).toEqual({ 'endpoint-disabled': 2 });
  });

  it('spreads the counters of a recipe and day over shards that the summary sums', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    await Promise.all(
      jobs.map((job) => {
        const tally = new OutcomeTally('recipe-hot', new Date('2026-11-21T10:00:00Z'));
        tally.add('delivered', '', 'A', 2);
        return ledger.record(job, tally.entries());
      }),
    );

    const items = (await client.send(new ScanCommand({ TableName: outcomesName }))).Items ?? [];
    const hotItems = items.filter((item) => item.scope?.S === 'recipe-hot');
    expect(new Set(hotItems.map((item) => item.pk?.S)).size).toBeGreaterThan(4);
    expect((await ledger.summary())['recipe-hot']?.delivered).toBe(80);
  });

  it('keeps a reason longer than a key may be, cut with a digest, apart from other long reasons', async () => {
    const long = (tail: string) => `detail.${'x'.repeat(1_100)}${tail}: unknown key`;
    const tally = new OutcomeTally('recipe-long', new Date('2026-11-21T10:00:00Z'));
    tally.add('rejected', long('a'));
    tally.add('rejected', long('b'));

    expect(await ledger.record('reject-long', tally.entries())).toBe('recorded');
    const rejected = (await ledger.summary())['recipe-long']?.rejected ?? {};
    expect(Object.keys(rejected)).toHaveLength(2);
    for (const reason of Object.keys(rejected)) expect(reason.length).toBeLessThanOrEqual(200);
  });

  it('sums counters per recipe and variant over batches, days and shards', async () => {
    const days = ['2026-11-21T10:00:00Z', '2026-11-22T10:00:00Z'];
    await Promise.all(
      days.flatMap((day, d) =>
        [0, 1, 2].map((i) => {
          const tally = new OutcomeTally('recipe-ab', new Date(day));
          tally.add('planned', '', 'A', 4);
          tally.add('delivered', '', 'A', 4);
          tally.add('opened', '', 'A', 1);
          tally.add('planned', '', 'B', 3);
          tally.add('delivered', '', 'B', 2);
          tally.add('failed', 'endpoint-disabled', 'B');
          tally.add('planned', '', 'holdout', 2);
          tally.add('suppressed', 'holdout', 'holdout', 2);
          return ledger.record(`ab-${d}-${i}`, tally.entries());
        }),
      ),
    );

    const byVariant = (await ledger.variantSummary())['recipe-ab'];

    expect(byVariant).toEqual({
      A: { planned: 24, delivered: 24, opened: 6, suppressed: {}, failed: {}, rejected: {} },
      B: { planned: 18, delivered: 12, suppressed: {}, failed: { 'endpoint-disabled': 6 }, rejected: {} },
      holdout: { planned: 12, delivered: 0, suppressed: { holdout: 12 }, failed: {}, rejected: {} },
    });
    expect((await ledger.summary())['recipe-ab']).toMatchObject({ planned: 54, delivered: 36, opened: 6 });
  });
});
