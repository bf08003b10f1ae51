import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { runCostsCommand } from '../../shared/cli/costs-command.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../../shared/local/device-simulator.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { meteredInvocation } from '../../shared/observability/metered-invocation.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';
import { sqsRecord } from '../support/sqs-records.ts';

const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
const simulator = new DeviceSimulator(() => clock.now());
const recipeId = 'followed-seller-new-item';
let local: LocalPorts;
const transactions: { TransactItems?: { Update?: { Key?: Record<string, unknown> } }[] }[] = [];

const job = (jobId: string, userIds: string[]) => ({
  jobId,
  eventId: `evt-${jobId}`,
  recipeId,
  variant: 'A',
  push: { title: 'New from a seller you follow', body: 'Oak chair: 45 EUR' },
  userIds,
});
const requestsDuring = async (work: () => Promise<unknown>) => {
  const before = new Map(requestMeter.requests);
  await work();
  const during: Record<string, number> = {};
  for (const [key, n] of requestMeter.requests)
    if (n > (before.get(key) ?? 0)) during[key] = n - (before.get(key) ?? 0);
  return during;
};

describe('delivery usage on DynamoDB Local', () => {
  beforeAll(async () => {
    local = await provisionLocalPorts(sharedEngines(), {
      gateway: simulator,
      holds: new LocalHoldScheduler(),
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock,
    });
    local.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand')
          transactions.push(structuredClone(args.input) as (typeof transactions)[number]);
        return next(args);
      },
      { step: 'initialize', name: 'capture-transactions' },
    );
    for (const userId of ['amy', 'ben', 'cat', 'dan'])
      await registerDevice({ userId, platform: 'FCM', token: `token-${userId}` }, local.ports);
  });
  afterAll(() => local.close());

  it("stores a job's usage in its outcomes' transaction, with no request of its own", async () => {
    const plain = createDeliveryWorker(() => local.ports);
    const metered = meteredInvocation(
      createDeliveryWorker(() => local.ports),
      {
        costs: () => local.ports.costs,
      },
    );

    const unmeteredMix = await requestsDuring(() =>
      plain(
        { Records: [sqsRecord(JSON.stringify(job('job-plain', ['amy', 'ben'])), 'm1')] },
        localContext('d'),
      ),
    );
    transactions.length = 0;
    const meteredMix = await requestsDuring(() =>
      metered(
        { Records: [sqsRecord(JSON.stringify(job('job-metered', ['cat', 'dan'])), 'm2')] },
        localContext('delivery-worker', 1024),
      ),
    );

    expect(meteredMix).toEqual(unmeteredMix);
    expect(transactions).toHaveLength(1);
    const keys = transactions[0]!.TransactItems!.map((i) => i.Update?.Key?.sk).filter(Boolean);
    expect(keys).toContain('usage#A');
    expect(keys).toContain('A#delivered#');
    const { usage, delivered } = await local.ports.costs!.records({ from: '2026-11-21', to: '2026-11-21' });
    const stored = usage.filter((u) => u.kind === 'scope' && u.name === recipeId);
    expect(stored.map((u) => u.business)).toContain(defaultCatalog().get(recipeId).business);
    const total = stored.reduce(
      (t, u) => ({
        sns: t.sns + u.usage.snsPublishes,
        invocations: t.invocations + u.usage.lambdaInvocations,
        gbSeconds: t.gbSeconds + u.usage.lambdaGbSeconds,
        writes: t.writes + u.usage.dynamodbWriteUnits,
      }),
      { sns: 0, invocations: 0, gbSeconds: 0, writes: 0 },
    );
    // Two jobs of two pushes each; only the metered one ran in an invocation.
    expect(total.sns).toBe(4);
    expect(total.invocations).toBe(1);
    expect(total.gbSeconds).toBeGreaterThan(0);
    expect(total.writes).toBeGreaterThan(0);
    expect(delivered.filter((d) => d.scope === recipeId).reduce((n, d) => n + d.count, 0)).toBe(4);
  });

  it('herald costs reads them back: a table by recipe', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const code = await runCostsCommand({
      by: 'recipe',
      outcomesTable: local.tableNames.Outcomes!,
      dynamodbEndpoint: inject('dynamodbEndpoint'),
      pricing: {},
    });

    const out = print.mock.calls.map((c) => String(c[0])).join('\n');
    print.mockRestore();
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`${recipeId} +\\$\\d+\\.\\d{2} +4 `));
    expect(out).toContain('free tiers ignored');
  });
});
