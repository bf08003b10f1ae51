import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../../functions/delivery-worker/handler.ts';
import { createFanoutWorker } from '../../functions/fanout-worker/handler.ts';
import { type ResourceNames, resourceNamesOf } from '../../shared/adapters/aws-ports.ts';
import { DynamoDbFanoutProgress } from '../../shared/adapters/dynamodb/work-progress.ts';
import type { FanoutCheckpoint } from '../../shared/domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../../shared/domain/audience/fanout-task.ts';
import { campaignScope } from '../../shared/domain/campaigns/campaign.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import type { OutcomeLedger } from '../../shared/domain/outcomes/outcome.ts';
import { type Device, defaultApp } from '../../shared/domain/push/device.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { watchedLaunches } from '../../shared/local/local-campaigns.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { collectingSink, EmfMetrics } from '../../shared/observability/metrics.ts';
import { deliveryQueue, fanoutQueue } from '../../shared/resources/queues.ts';
import { createCampaign, startCampaign } from '../../shared/use-cases/campaign-commands.ts';
import { campaignStatus } from '../../shared/use-cases/campaign-status.ts';
import { forEachLimited } from '../../shared/use-cases/delivery-sends.ts';
import type { CrashReaderConfig } from '../support/crash-campaign-reader.ts';
import { documentClientOf, sharedEngines } from '../support/engines.ts';
import { FileHolds, loggedHolds } from '../support/file-holds.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { sqsRecord } from '../support/sqs-records.ts';

const crashReader = fileURLToPath(new URL('../support/crash-campaign-reader.ts', import.meta.url));
const runStart = new Date('2026-11-21T10:00:00Z');
const USERS = 200;
/** Users per Scan page: four pages. */
const PAGE = 50;
/** Pushes per second: a page spans two and a half seconds, so it packs three jobs. */
const RATE = 20;
/**
 * The dead reader's holds hang after this many jobs: the first page holds two (its first
 * second's job goes to delivery), the second three, and the sixth is the first of the third
 * page's three. It dies with that page's checkpoint written and two of its holds not made.
 */
const GATE_AFTER = 6;

const userIdOf = (i: number) => `u${String(i).padStart(3, '0')}`;
/** Every fourth user holds a tablet too: each device gets the push once. */
const devicesOf = (i: number): Device[] =>
  Array.from({ length: i % 4 === 0 ? 2 : 1 }, (_, n) => ({
    deviceId: `${userIdOf(i)}-d${n}`,
    app: defaultApp,
    platform: 'FCM',
    token: `token-${userIdOf(i)}-${n}`,
    endpointArn: `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/herald/${userIdOf(i)}-d${n}`,
    enabled: true,
    lastSeen: new Date('2026-11-20T08:00:00Z'),
  }));
const endpoints = Array.from({ length: USERS }, (_, i) => devicesOf(i).map((d) => d.endpointArn)).flat();

const campaign = {
  id: 'crash-sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 'Winter sale', body: 'Everything 20% off today' },
  rate: RATE,
  readers: 1,
  quietHours: 'ignore',
};

let local: LocalPorts;
let workDir: string;
let child: ChildProcess | undefined;
const clock = new ManualClock(runStart);
const gateway = new RecordingGateway();

const resourceNames = (): ResourceNames =>
  resourceNamesOf(
    (id) => local.tableNames[id]!,
    (id) => local.queueUrls[id]!,
  );

/** Takes every message off a queue (fauxqs hands them out at once): their bodies. */
const drainQueue = async (queueId: string): Promise<string[]> => {
  const bodies: string[] = [];
  for (;;) {
    const out = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.queueUrls[queueId]!, MaxNumberOfMessages: 10 }),
    );
    if (!out.Messages?.length) return bodies;
    for (const message of out.Messages) {
      bodies.push(message.Body!);
      await local.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: local.queueUrls[queueId]!,
          ReceiptHandle: message.ReceiptHandle!,
        }),
      );
    }
  }
};

/** Runs the reader in its own process until its holds hang, then kills it. */
const killMidReading = async (task: FanoutTask, holdLog: string) => {
  const config: CrashReaderConfig = {
    dynamodbEndpoint: sharedEngines().dynamodbEndpoint,
    sqsEndpoint: sharedEngines().sqsEndpoint,
    names: resourceNames(),
    task,
    at: runStart.toISOString(),
    pageSize: PAGE,
    holdLog,
    gateAfter: GATE_AFTER,
  };
  const reader = spawn(process.execPath, [crashReader, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
  });
  child = reader;
  let output = '';
  reader.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  reader.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while ((await loggedHolds(holdLog)).length < GATE_AFTER) {
    if (reader.exitCode !== null)
      throw new Error(`the reader exited on its own (${reader.exitCode}):\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`the reader held fewer than ${GATE_AFTER} jobs in 60 s:\n${output}`);
    await sleep(10);
  }
  process.kill(reader.pid!, 'SIGKILL');
  await exited;
  expect(reader.signalCode).toBe('SIGKILL');
  child = undefined;
};

const checkpointOf = async (taskId: string) => {
  const out = await documentClientOf(local.dynamodb).send(
    new GetCommand({
      TableName: local.tableNames.Ledger!,
      Key: { pk: `fanout#${taskId}` },
      ConsistentRead: true,
    }),
  );
  return out.Item as { leaseUntil: number; checkpoint: FanoutCheckpoint } | undefined;
};

describe('a campaign reader killed with SIGKILL mid-campaign', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'herald-campaign-crash-'));
    local = await provisionLocalPorts(sharedEngines(), {
      gateway,
      holds: new FileHolds(join(workDir, 'holds.log')),
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock,
      userLists: { page: async () => ({ userIds: [] }) },
      launches: watchedLaunches,
    });
    const saves = Array.from({ length: USERS }, (_, i) =>
      devicesOf(i).map((device) => ({ i, device })),
    ).flat();
    await forEachLimited(saves, 16, ({ i, device }) => local.ports.devices.save(userIdOf(i), device));
  });
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
    local?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('a copy finishes the reading, no device is pushed twice, and every recipient ends with exactly one outcome', async () => {
    const holdLog = join(workDir, 'holds.log');
    const { ports } = local;
    // Prepare: ops start the campaign; its one reader task is on the fan-out queue.
    const deps = { ...ports, campaigns: ports.campaigns!, launches: watchedLaunches };
    await createCampaign(campaign, 'ops@example.com', deps);
    await startCampaign(campaign.id, 'ops@example.com', deps);
    const [body, ...others] = await drainQueue(fanoutQueue.id);
    expect(others).toEqual([]);
    const task = JSON.parse(body!) as FanoutTask;

    // A reader process reads two pages and part of the third, and dies.
    await killMidReading(task, holdLog);
    const stored = await checkpointOf(task.taskId);
    // Pages come in the Scan's order (by key hash): the cursor is the last user of the third.
    expect(stored?.checkpoint).toMatchObject({
      cursor: expect.any(String),
      exhausted: false,
      planned: 3 * PAGE,
    });
    expect(stored!.checkpoint.pending).toHaveLength(3);
    expect(stored!.leaseUntil).toBeGreaterThan(Date.now());
    const heldByDeadReader = (await loggedHolds(holdLog)).length;
    expect(heldByDeadReader).toBe(GATE_AFTER);

    // A copy received while the dead reader's lease runs stands back.
    const withPages = (p: HeraldPorts) => ({ ...p, pageSize: PAGE });
    const metrics = new EmfMetrics(collectingSink());
    const early = await createFanoutWorker(() => withPages(ports), metrics)(
      { Records: [sqsRecord(body!, 'm1', 2)] },
      localContext('fanout-worker'),
    );
    expect(early).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(await loggedHolds(holdLog)).toHaveLength(heldByDeadReader);

    // Act: SQS hands the task over again after its visibility timeout, the lease lapsed by then
    // (this copy's lease clock runs that much ahead rather than the test waiting it out).
    const visibilityMs = fanoutQueue.visibilityTimeoutSeconds * 1000;
    const later = withPages({
      ...ports,
      fanoutProgress: new DynamoDbFanoutProgress(
        documentClientOf(local.dynamodb),
        local.tableNames.Ledger!,
        () => Date.now() + visibilityMs,
      ),
    });
    const resumed = await createFanoutWorker(() => later, metrics)(
      { Records: [sqsRecord(body!, 'm1', 3)] },
      localContext('fanout-worker'),
    );
    expect(resumed).toEqual({ batchItemFailures: [] });
    expect((await checkpointOf(task.taskId))?.checkpoint).toMatchObject({ exhausted: true, planned: USERS });

    // Every job is packed once, whoever packed it: a job held twice holds the same recipients,
    // each user is in one job, and no second gets more than the rate (the copy carried on the
    // dead reader's pacing rather than starting it over).
    const holds = await loggedHolds(holdLog);
    const dueNow = (await drainQueue(deliveryQueue.id)).map((b) => ({
      body: b,
      releaseAt: runStart.toISOString(),
    }));
    const messages = [
      ...dueNow,
      ...holds.map((h) => ({ body: JSON.stringify(h.job), releaseAt: h.releaseAt })),
    ];
    const jobs = new Map<string, { userIds: readonly string[]; releaseAt: string }>();
    for (const { body: message, releaseAt } of messages) {
      const job = JSON.parse(message) as { jobId: string; userIds: string[] };
      const known = jobs.get(job.jobId);
      if (known) expect(known.userIds).toEqual(job.userIds);
      else jobs.set(job.jobId, { userIds: job.userIds, releaseAt });
    }
    expect(messages.length).toBeGreaterThan(jobs.size);
    const packed = [...jobs.values()].flatMap((j) => j.userIds);
    expect(packed.sort()).toEqual(Array.from({ length: USERS }, (_, i) => userIdOf(i)));
    const perSecond = new Map<string, number>();
    for (const j of jobs.values())
      perSecond.set(j.releaseAt, (perSecond.get(j.releaseAt) ?? 0) + j.userIds.length);
    expect(Math.max(...perSecond.values())).toBe(RATE);
    expect(perSecond.size).toBe(USERS / RATE);

    // Delivery runs every message, duplicates included, once its second has come.
    const worker = createDeliveryWorker(() => ports, metrics);
    for (const [n, { body: message, releaseAt }] of messages.entries()) {
      clock.advanceTo(new Date(releaseAt));
      const out = await worker({ Records: [sqsRecord(message, `d${n}`)] }, localContext('delivery-worker'));
      expect(out).toEqual({ batchItemFailures: [] });
    }

    // Assess: every device got the push exactly once, and every recipient has one outcome.
    const counts = new Map<string, number>();
    for (const endpoint of gateway.published) counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect([...counts.keys()].sort()).toEqual([...endpoints].sort());
    expect((await ports.outcomes.summary())[campaignScope(campaign.id)]).toEqual({
      planned: USERS,
      delivered: USERS,
      suppressed: {},
      failed: {},
      rejected: {},
    });
    // Status reads the campaign's own counters by key: a scan of the Outcomes table would throw.
    const keyed: OutcomeLedger = {
      record: (...args) => ports.outcomes.record(...args),
      wasRecorded: (batchId) => ports.outcomes.wasRecorded(batchId),
      summaryOf: (scope, days) => ports.outcomes.summaryOf(scope, days),
      variantSummary: () => ports.outcomes.variantSummary(),
      summary: () => Promise.reject(new Error('campaign status scanned the Outcomes table')),
    };
    const progress = await campaignStatus(campaign.id, { ...deps, outcomes: keyed });
    expect(progress).toMatchObject({ status: 'completed', planned: USERS, delivered: USERS, remaining: 0 });
  }, 120_000);
});
