import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryFatigueLedger } from '../../../shared/adapters/memory/fatigue-ledger.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { DeliveryJobBusyError } from '../../../shared/domain/push/delivery-progress.ts';
import type { PublishResult } from '../../../shared/domain/push/push-gateway.ts';
import { type DeliverJobDeps, deliverJob } from '../../../shared/use-cases/deliver-job.ts';
import {
  device,
  MemoryDevices,
  MemoryOutcomes,
  MemoryProgress,
  MemoryQueue,
  ScriptedGateway,
  sent,
  throttled,
} from './fakes.ts';

const users = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i).padStart(3, '0')}`);
const jobFor = (userIds: readonly string[], overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  jobId: 'task-1##0',
  eventId: 'evt-1',
  recipeId: 'price-drop',
  variant: 'A',
  push: { title: 'Price drop', body: 'Now 22 EUR' },
  userIds,
  ...overrides,
});

let devices: MemoryDevices;
let outcomes: MemoryOutcomes;
let progress: MemoryProgress;
let queue: MemoryQueue;
const depsWith = (gateway: ScriptedGateway, extra: Partial<DeliverJobDeps> = {}): DeliverJobDeps => ({
  devices,
  gateway,
  outcomes,
  deliveryProgress: progress,
  delivery: queue,
  fatigue: new InMemoryFatigueLedger(),
  users: new InMemoryUserDirectory(),
  clock: { now: () => new Date('2026-11-21T10:00:00Z') },
  throttle: { sleep: async () => undefined, followUpDelaySeconds: (attempt) => attempt * 10 },
  ...extra,
});

describe('deliverJob', () => {
  beforeEach(() => {
    devices = new MemoryDevices();
    outcomes = new MemoryOutcomes();
    progress = new MemoryProgress();
    queue = new MemoryQueue();
  });

  it('pushes every enabled device and records one outcome per recipient', async () => {
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1), device('amy', 2, { enabled: false })]);
    devices.byUser.set('ben', [device('ben', 1, { enabled: false })]);
    const gateway = new ScriptedGateway();

    const result = await deliverJob(jobFor(['amy', 'ben', 'cai']), depsWith(gateway));

    expect(gateway.calls.map((c) => c.endpointArn).sort()).toEqual([
      'arn:endpoint/amy/0',
      'arn:endpoint/amy/1',
    ]);
    expect(result).toMatchObject({ delivered: 1, suppressed: 2, failed: 0, owed: 0 });
    expect((await outcomes.summary())['price-drop']).toMatchObject({
      delivered: 1,
      suppressed: { 'no-device': 2 },
    });
  });

  it('sends each platform its own payload, with the APNs collapse id as a message attribute', async () => {
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1)]);
    const gateway = new ScriptedGateway();

    await deliverJob(jobFor(['amy']), depsWith(gateway));

    const byArn = new Map(gateway.calls.map((c) => [c.endpointArn, c.push]));
    expect(Object.keys(JSON.parse(byArn.get('arn:endpoint/amy/0')!.message))).toContain('APNS');
    expect(byArn.get('arn:endpoint/amy/0')!.attributes).toEqual({
      'AWS.SNS.MOBILE.APNS.COLLAPSE_ID': 'price-drop:evt-1',
    });
    expect(Object.keys(JSON.parse(byArn.get('arn:endpoint/amy/1')!.message))).toContain('GCM');
  });

  it('retries a throttled publish in process with backoff, and does not hand it on when it then succeeds', async () => {
    devices.byUser.set('amy', [device('amy', 0)]);
    const waits: number[] = [];
    const gateway = new ScriptedGateway((_, attempt) => (attempt < 2 ? throttled : sent));

    const result = await deliverJob(
      jobFor(['amy']),
      depsWith(gateway, { throttle: { sleep: async (ms) => void waits.push(ms), random: () => 1 } }),
    );

    expect(gateway.calls).toHaveLength(3);
    expect(waits).toEqual([50, 100]);
    expect(result).toMatchObject({ delivered: 1, owed: 0 });
    expect(queue.sent).toEqual([]);
  });

  it('hands devices still throttled to one follow-up job carrying only them, and counts only finished recipients', async () => {
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1)]);
    devices.byUser.set('ben', [device('ben', 0)]);
    devices.byUser.set('cai', [device('cai', 0)]);
    const stuck = new Set(['arn:endpoint/amy/1', 'arn:endpoint/ben/0']);
    const gateway = new ScriptedGateway((arn) => (stuck.has(arn) ? throttled : sent));

    const result = await deliverJob(jobFor(['amy', 'ben', 'cai']), depsWith(gateway));

    expect(result).toMatchObject({ delivered: 2, failed: 0, owed: 2, followUpJobId: 'task-1##0#retry1' });
    expect(queue.sent).toEqual([
      {
        job: expect.objectContaining({
          jobId: 'task-1##0#retry1',
          attempt: 1,
          userIds: ['amy', 'ben'],
          onlyDevices: { amy: ['amy-d1'], ben: ['ben-d0'] },
          settledUserIds: ['amy'],
          push: { title: 'Price drop', body: 'Now 22 EUR' },
        }),
        delaySeconds: 10,
      },
    ]);
    expect(gateway.countTo('arn:endpoint/amy/1')).toBe(4);
  });

  it('a follow-up pushes only the owed devices, counts open recipients once and settled ones never', async () => {
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1)]);
    devices.byUser.set('ben', [device('ben', 0), device('ben', 1)]);
    const gateway = new ScriptedGateway();
    const followUp = jobFor(['amy', 'ben'], {
      jobId: 'task-1##0#retry1',
      attempt: 1,
      onlyDevices: { amy: ['amy-d1'], ben: ['ben-d0'] },
      settledUserIds: ['amy'],
    });

    const result = await deliverJob(followUp, depsWith(gateway));

    expect(gateway.calls.map((c) => c.endpointArn).sort()).toEqual([
      'arn:endpoint/amy/1',
      'arn:endpoint/ben/0',
    ]);
    expect(result).toMatchObject({ delivered: 1, suppressed: 0, failed: 0, owed: 0 });
  });

  it('a follow-up still throttled hands on to the next one, keeping who is settled', async () => {
    devices.byUser.set('amy', [device('amy', 1)]);
    devices.byUser.set('ben', [device('ben', 0)]);
    const followUp = jobFor(['amy', 'ben'], {
      jobId: 'task-1##0#retry1',
      attempt: 1,
      onlyDevices: { amy: ['amy-d1'], ben: ['ben-d0'] },
      settledUserIds: ['amy'],
    });

    await deliverJob(followUp, depsWith(new ScriptedGateway(() => throttled)));

    expect(queue.sent).toEqual([
      {
        job: expect.objectContaining({
          jobId: 'task-1##0#retry2',
          attempt: 2,
          onlyDevices: { amy: ['amy-d1'], ben: ['ben-d0'] },
          settledUserIds: ['amy'],
        }),
        delaySeconds: 20,
      },
    ]);
    expect(await outcomes.summary()).toEqual({});
  });

  it('after the last follow-up, a recipient still throttled fails with reason throttled', async () => {
    devices.byUser.set('ben', [device('ben', 0)]);
    const gateway = new ScriptedGateway(() => throttled);
    const last = jobFor(['ben'], { jobId: 'j#retry4', attempt: 4, onlyDevices: { ben: ['ben-d0'] } });

    const result = await deliverJob(last, depsWith(gateway));

    expect(result).toMatchObject({ failed: 1, owed: 0 });
    expect(queue.sent).toEqual([]);
    expect((await outcomes.summary())['price-drop']?.failed).toEqual({ throttled: 1 });
  });

  it('a device the platform reports gone is disabled at once with its reason, never retried, and fails its recipient', async () => {
    devices.byUser.set('ben', [device('ben', 0)]);
    const gone: PublishResult = { status: 'endpoint-disabled', reason: 'EndpointDisabled' };
    const gateway = new ScriptedGateway(() => gone);

    const result = await deliverJob(jobFor(['ben']), depsWith(gateway));

    expect(gateway.calls).toHaveLength(1);
    expect(devices.disabled).toEqual([{ userId: 'ben', deviceId: 'ben-d0', reason: 'EndpointDisabled' }]);
    expect(result).toMatchObject({ failed: 1, owed: 0 });
    expect((await outcomes.summary())['price-drop']?.failed).toEqual({ 'endpoint-disabled': 1 });
  });

  it('a follow-up whose device was disabled meanwhile fails the recipient without publishing', async () => {
    devices.byUser.set('ben', [device('ben', 0, { enabled: false, disabledReason: 'NotFound' })]);
    const gateway = new ScriptedGateway();
    const followUp = jobFor(['ben'], { jobId: 'j#retry1', attempt: 1, onlyDevices: { ben: ['ben-d0'] } });

    await deliverJob(followUp, depsWith(gateway));

    expect(gateway.calls).toEqual([]);
    expect((await outcomes.summary())['price-drop']?.failed).toEqual({ 'endpoint-disabled': 1 });
  });

  it('a push too large for the platform fails its recipients without publishing', async () => {
    devices.byUser.set('amy', [device('amy', 0)]);
    const gateway = new ScriptedGateway();
    const job = jobFor(['amy'], {
      push: { title: 'T', body: 'B', deepLink: `market://${'x'.repeat(5000)}` },
    });

    await deliverJob(job, depsWith(gateway));

    expect(gateway.calls).toEqual([]);
    expect((await outcomes.summary())['price-drop']?.failed).toEqual({ 'payload-too-large': 1 });
  });

  it('a redelivered job that finished publishes nothing and counts nothing again', async () => {
    devices.byUser.set('amy', [device('amy', 0)]);
    const gateway = new ScriptedGateway();
    await deliverJob(jobFor(['amy']), depsWith(gateway));

    const again = await deliverJob(jobFor(['amy']), depsWith(gateway));

    expect(again.alreadyDone).toBe(true);
    expect(gateway.calls).toHaveLength(1);
  });

  it('a second copy of a running job is turned back to SQS, not run beside it', async () => {
    devices.byUser.set('amy', [device('amy', 0)]);
    await progress.acquire('task-1##0', 'someone-else', 60_000);

    await expect(deliverJob(jobFor(['amy']), depsWith(new ScriptedGateway()))).rejects.toThrow(
      DeliveryJobBusyError,
    );
  });

  it('resumes after a worker killed mid-batch without pushing any device twice; the window in flight is counted interrupted', async () => {
    const recipients = users(250);
    for (const u of recipients) devices.byUser.set(u, [device(u, 0), device(u, 1)]);
    const accepted = new Map<string, number>();
    const accept = (arn: string) => {
      accepted.set(arn, (accepted.get(arn) ?? 0) + 1);
      return sent;
    };
    // The first worker dies during its second window: after 230 publishes nothing ever answers.
    let publishes = 0;
    const dying = new ScriptedGateway((arn) =>
      ++publishes > 230 ? new Promise<PublishResult>(() => undefined) : accept(arn),
    );
    void deliverJob(jobFor(recipients), depsWith(dying));
    await new Promise((r) => setTimeout(r, 20));

    progress.now = 10 * 60_000; // its lease runs out; SQS hands the job to another worker
    const second = new ScriptedGateway(accept);
    const result = await deliverJob(jobFor(recipients), depsWith(second));

    expect([...accepted].filter(([, n]) => n > 1)).toEqual([]);
    expect(accepted.size).toBe(230 + 100);
    expect(second.calls.every((c) => Number(c.endpointArn.split('/')[1]!.slice(1)) >= 200)).toBe(true);
    expect(result).toMatchObject({ delivered: 150, failed: 100 });
    expect((await outcomes.summary())['price-drop']).toMatchObject({
      delivered: 150,
      failed: { interrupted: 100 },
    });
  });

  it('stops before the invocation deadline with a checkpoint, and the next copy resumes with nobody interrupted', async () => {
    const recipients = users(150);
    for (const u of recipients) devices.byUser.set(u, [device(u, 0)]);
    let left = 100_000;
    const gateway = new ScriptedGateway(() => {
      left = 10_000; // the first window eats the time
      return sent;
    });

    await expect(
      deliverJob(jobFor(recipients), depsWith(gateway, { timeLeftMs: () => left })),
    ).rejects.toThrow(/stopped before the invocation deadline/);
    left = 100_000;
    const result = await deliverJob(
      jobFor(recipients),
      depsWith(new ScriptedGateway(), { timeLeftMs: () => left }),
    );

    expect(gateway.calls).toHaveLength(100);
    expect(result).toMatchObject({ delivered: 150, failed: 0 });
  });
});
