import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryJobMessage } from '../../functions/contracts.ts';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { type ResourceNames, resourceNamesOf } from '../../shared/adapters/aws-ports.ts';
import { DynamoDbDeliveryProgress } from '../../shared/adapters/dynamodb/work-progress.ts';
import { systemClock } from '../../shared/domain/clock.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import type { DeliveryJob } from '../../shared/domain/push/delivery-job.ts';
import type { DeliveryCheckpoint } from '../../shared/domain/push/delivery-progress.ts';
import type { Device } from '../../shared/domain/push/device.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { forEachLimited } from '../../shared/use-cases/delivery-sends.ts';
import type { CrashWorkerConfig } from '../support/crash-worker.ts';
import { documentClientOf, sharedEngines } from '../support/engines.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { sqsRecord } from '../support/sqs-records.ts';

const crashWorker = fileURLToPath(new URL('../support/crash-worker.ts', import.meta.url));
const recipeId = 'followed-seller-new-item';
const RECIPIENTS = 400;
/** Recipients per checkpoint window of the delivery worker. */
const WINDOW = 100;
/** The kill comes once the dead worker pushed this many: past its first window. */
const KILL_AFTER = 150;
/** Where the dead worker's gateway stops answering: still inside its second window. */
const GATE_AFTER = 200;

const userIdOf = (i: number) => `u${String(i).padStart(3, '0')}`;
/** Some recipients have no device, every third has two (a phone and a tablet). */
const devicesOf = (i: number): Device[] => {
  const count = i % 25 === 7 ? 0 : i % 3 === 0 ? 2 : 1;
  return Array.from({ length: count }, (_, n) => ({
    deviceId: `${userIdOf(i)}-d${n}`,
    app: 'default',
    platform: n === 0 ? 'APNS' : 'FCM',
    token: `token-${userIdOf(i)}-${n}`,
    endpointArn: `arn:aws:sns:us-east-1:000000000000:endpoint/${n === 0 ? 'APNS' : 'GCM'}/herald/${userIdOf(i)}-d${n}`,
    enabled: true,
    lastSeen: new Date('2026-11-20T08:00:00Z'),
  }));
};
const recipients = Array.from({ length: RECIPIENTS }, (_, i) => ({
  userId: userIdOf(i),
  devices: devicesOf(i),
}));
const userOfEndpoint = new Map(
  recipients.flatMap(({ userId, devices }) => devices.map((d) => [d.endpointArn, userId] as const)),
);
const endpointsOf = (from: number, until: number) =>
  recipients.slice(from, until).flatMap((r) => r.devices.map((d) => d.endpointArn));

const job: DeliveryJob = deliveryJobMessage.parse({
  jobId: 'evt-crash#followed-seller-new-item#0#0',
  eventId: 'evt-crash',
  recipeId,
  variant: 'A',
  push: { title: 'New from a seller you follow', body: 'Oak chair: 45 EUR' },
  userIds: recipients.map((r) => r.userId),
  eventTime: '2026-11-21T10:00:00Z',
});

const countsOf = (items: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};
const linesOf = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line.length > 0);

let local: LocalPorts;
let workDir: string;
let child: ChildProcess | undefined;
const liveGateway = new RecordingGateway();

const resourceNames = (): ResourceNames =>
  resourceNamesOf(
    (id) => local.tableNames[id]!,
    (id) => local.queueUrls[id]!,
  );

/** Runs the crash worker until it has pushed `KILL_AFTER` times, then kills it; returns what it pushed. */
const killMidJob = async (): Promise<string[]> => {
  const publishLog = join(workDir, 'publishes.log');
  const config: CrashWorkerConfig = {
    dynamodbEndpoint: sharedEngines().dynamodbEndpoint,
    sqsEndpoint: sharedEngines().sqsEndpoint,
    names: resourceNames(),
    job,
    publishLog,
    latencyMs: 20,
    gateAfter: GATE_AFTER,
  };
  const worker = spawn(process.execPath, [crashWorker, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
  });
  child = worker;
  let output = '';
  worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  while ((await linesOf(publishLog)).length <= KILL_AFTER) {
    if (worker.exitCode !== null)
      throw new Error(`crash worker exited on its own (${worker.exitCode}):\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`crash worker pushed no more than ${KILL_AFTER} in 60 s:\n${output}`);
    await sleep(10);
  }
  process.kill(worker.pid!, 'SIGKILL');
  await exited;
  expect(worker.signalCode).toBe('SIGKILL');
  child = undefined;
  return linesOf(publishLog);
};

const checkpointOf = async (jobId: string) => {
  const out = await documentClientOf(local.dynamodb).send(
    new GetCommand({
      TableName: local.tableNames.Ledger!,
      Key: { pk: `delivery#${jobId}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as { leaseUntil: number; checkpoint: DeliveryCheckpoint } | undefined;
};

describe('a delivery worker killed with SIGKILL mid-job', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'herald-crash-'));
    local = await provisionLocalPorts(sharedEngines(), {
      gateway: liveGateway,
      holds: new LocalHoldScheduler(),
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock: systemClock,
    });
    const saves = recipients.flatMap(({ userId, devices }) => devices.map((device) => ({ userId, device })));
    await forEachLimited(saves, 16, ({ userId, device }) => local.ports.devices.save(userId, device));
  });
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
    local?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('a copy after the lease lapsed pushes no device twice, and every recipient ends with exactly one outcome', async () => {
    // Prepare: a worker process pushes the job's first window and part of its second, and dies.
    // (Once the gate closes, each of the 16 lanes in flight may let one more publish through.)
    expect(endpointsOf(0, WINDOW).length).toBeLessThan(KILL_AFTER);
    expect(GATE_AFTER + 16).toBeLessThan(endpointsOf(0, 2 * WINDOW).length);
    const pushedByDeadWorker = await killMidJob();

    // The dead worker's lease still runs: a copy received meanwhile (locally a second later) stands back.
    const stored = await checkpointOf(job.jobId);
    expect(stored?.checkpoint).toMatchObject({ cursor: WINDOW, inFlightUntil: 2 * WINDOW, owed: [] });
    expect(stored!.leaseUntil).toBeGreaterThan(Date.now());
    const worker = createDeliveryWorker(() => local.ports);
    const early = await worker(
      { Records: [sqsRecord(JSON.stringify(job), 'm1', 2)] },
      localContext('delivery'),
    );
    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(liveGateway.published).toEqual([]);

    // Act: SQS hands the job over again after its visibility timeout; by then the lease has
    // lapsed. This copy's lease clock runs that much ahead rather than the test waiting it out.
    const visibilityMs = deliveryQueue.visibilityTimeoutSeconds * 1000;
    const later = {
      ...local.ports,
      deliveryProgress: new DynamoDbDeliveryProgress(
        documentClientOf(local.dynamodb),
        local.tableNames.Ledger!,
        () => Date.now() + visibilityMs,
      ),
    };
    const resumed = await createDeliveryWorker(() => later)(
      { Records: [sqsRecord(JSON.stringify(job), 'm1', 3)] },
      localContext('delivery'),
    );
    expect(resumed).toEqual({ batchItemFailures: [] });
    const pushedByCopy = [...liveGateway.published];

    // Assess: no device got the push twice, within a worker or across both.
    const all = countsOf([...pushedByDeadWorker, ...pushedByCopy]);
    expect([...all].filter(([, n]) => n > 1)).toEqual([]);
    // The dead worker finished its first window and died inside the second ...
    expect(pushedByDeadWorker.length).toBeGreaterThan(KILL_AFTER);
    const deadWorkerWindows = new Set(endpointsOf(0, 2 * WINDOW));
    expect(pushedByDeadWorker.filter((e) => !deadWorkerWindows.has(e))).toEqual([]);
    const pushedBefore = new Set(pushedByDeadWorker);
    expect(endpointsOf(0, WINDOW).filter((e) => !pushedBefore.has(e))).toEqual([]);
    // ... and the copy pushed every device after the window in flight, and nothing of that window.
    expect(pushedByCopy.sort()).toEqual(endpointsOf(2 * WINDOW, RECIPIENTS).sort());

    // Every recipient has exactly one outcome: the window in flight is `interrupted`, whoever
    // of it the dead worker reached; outside it, delivered exactly when a device was pushed.
    const finished = [...recipients.slice(0, WINDOW), ...recipients.slice(2 * WINDOW)];
    const reached = new Set([...all.keys()].map((e) => userOfEndpoint.get(e)));
    const delivered = finished.filter((r) => reached.has(r.userId));
    expect(delivered.every((r) => r.devices.length > 0)).toBe(true);
    const summary = (await local.ports.outcomes.summary())[recipeId];
    expect(summary).toEqual({
      planned: 0,
      delivered: delivered.length,
      suppressed: { 'no-device': finished.filter((r) => r.devices.length === 0).length },
      failed: { interrupted: WINDOW },
      rejected: {},
    });
    expect(summary!.delivered + summary!.suppressed['no-device']! + summary!.failed.interrupted!).toBe(
      RECIPIENTS,
    );

    // A copy that comes after the job finished pushes nothing and counts nothing again.
    const again = await createDeliveryWorker(() => later)(
      { Records: [sqsRecord(JSON.stringify(job), 'm1', 4)] },
      localContext('delivery'),
    );
    expect(again).toEqual({ batchItemFailures: [] });
    expect(liveGateway.published).toHaveLength(pushedByCopy.length);
    expect((await local.ports.outcomes.summary())[recipeId]).toEqual(summary);
  }, 120_000);
});
