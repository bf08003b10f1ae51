import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryJobMessage } from '../../../functions/contracts.ts';
import { InMemoryFatigueLedger } from '../../../shared/adapters/memory/fatigue-ledger.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import {
  type ActionBus,
  type ActionEvent,
  actionIdOf,
  type EmitResult,
} from '../../../shared/domain/actions/action-event.ts';
import type { ReservationRequest } from '../../../shared/domain/fatigue/reservation.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { type DeliverJobDeps, deliverJob } from '../../../shared/use-cases/deliver-job.ts';
import { MemoryDevices, MemoryOutcomes, MemoryProgress, MemoryQueue, ScriptedGateway } from './fakes.ts';

const at = new Date('2026-11-21T10:00:00Z');
const users = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i).padStart(3, '0')}`);
const counters = [
  { layer: 'user', subject: '', window: 'day', mode: 'calendar', limit: 1 },
] as const satisfies ReservationRequest['counters'];
const jobFor = (userIds: readonly string[]): DeliveryJob => ({
  jobId: 'e1#grant#0#0',
  eventId: 'e1',
  recipeId: 'grant',
  variant: 'A',
  userIds,
  emit: {
    detailType: 'BenefitGranted',
    identity: 'order-o1',
    detail: {
      orderTotal: 80,
      recipeId: 'grant',
      trigger: { id: 'e1', source: 'market.orders', detailType: 'OrderPlaced' },
      chain: ['grant'],
    },
  },
  fatigue: {
    at: at.toISOString(),
    counters,
    dedupeKey: 'order-o1#grant',
    enforce: true,
    count: true,
    reserved: true,
  },
});

/** An action bus that answers by script and keeps every event it took. */
class ScriptedBus implements ActionBus {
  readonly taken: ActionEvent[] = [];
  readonly answer: (event: ActionEvent, call: number) => EmitResult | Promise<never>;
  calls = 0;
  constructor(answer: (event: ActionEvent, call: number) => EmitResult | Promise<never> = () => ok) {
    this.answer = answer;
  }
  async emit(events: readonly ActionEvent[]): Promise<EmitResult[]> {
    const call = ++this.calls;
    const results: EmitResult[] = [];
    for (const event of events) {
      const result = await this.answer(event, call);
      if (result.status === 'emitted') this.taken.push(event);
      results.push(result);
    }
    return results;
  }
}
const ok: EmitResult = { status: 'emitted', eventId: 'eb-1' };

let outcomes: MemoryOutcomes;
let progress: MemoryProgress;
let fatigue: InMemoryFatigueLedger;
const depsWith = (actions: ActionBus): DeliverJobDeps => ({
  devices: new MemoryDevices(),
  gateway: new ScriptedGateway(),
  actions,
  outcomes,
  deliveryProgress: progress,
  delivery: new MemoryQueue(),
  fatigue,
  users: new InMemoryUserDirectory(),
  clock: { now: () => at },
});

describe('the delivery job message', () => {
  it('carries an emit job whole, and refuses a job with neither a push nor an emit action', () => {
    expect(deliveryJobMessage.parse(jobFor(['amy']))).toEqual(jobFor(['amy']));
    const { emit: _, ...neither } = jobFor(['amy']);
    expect(deliveryJobMessage.safeParse(neither).error?.issues[0]).toMatchObject({
      path: ['push'],
      message: 'a job carries either a push or an emit action',
    });
  });
});

describe('deliverJob for an emit recipe', () => {
  beforeEach(() => {
    outcomes = new MemoryOutcomes();
    progress = new MemoryProgress();
    fatigue = new InMemoryFatigueLedger();
  });

  it('emits one event per recipient with its userId and stable actionId, counted delivered, pushing nothing', async () => {
    const bus = new ScriptedBus();
    const deps = depsWith(bus);

    const result = await deliverJob(jobFor(['amy', 'ben']), deps);

    expect(bus.taken).toEqual(
      ['amy', 'ben'].map((userId) => ({
        detailType: 'BenefitGranted',
        detail: { ...jobFor([]).emit!.detail, userId, actionId: actionIdOf('order-o1', 'grant', userId) },
      })),
    );
    expect(result).toMatchObject({ delivered: 2, failed: 0, alreadyDone: false });
    expect((deps.gateway as ScriptedGateway).calls).toEqual([]);
    expect((await outcomes.summary()).grant).toMatchObject({ delivered: 2, failed: {} });
  });

  it('counts an event the bus refused failed with its code, and gives back its fatigue slot', async () => {
    const refused: EmitResult = { status: 'failed', code: 'InvalidDetail', message: 'bad', sent: false };
    const bus = new ScriptedBus((event) => (event.detail.userId === 'ben' ? refused : ok));
    const reserved = await fatigue.reserve(
      ['amy', 'ben'].map((userId) => ({
        userId,
        timeZone: 'UTC',
        at,
        dedupeKey: 'order-o1#grant',
        owner: 'e1#grant#0#0',
        counters,
        enforce: true,
        count: true,
      })),
    );
    expect(reserved.map((r) => r.status)).toEqual(['reserved', 'reserved']);

    await deliverJob(jobFor(['amy', 'ben']), depsWith(bus));

    expect((await outcomes.summary()).grant).toMatchObject({
      delivered: 1,
      failed: { 'emit:InvalidDetail': 1 },
    });
    // ben's slot in the day's cap of one is free again; amy's is taken.
    const again = await fatigue.reserve(
      ['amy', 'ben'].map((userId) => ({
        userId,
        timeZone: 'UTC',
        at,
        dedupeKey: 'order-o2#grant',
        owner: 'e2#grant#0#0',
        counters,
        enforce: true,
        count: true,
      })),
    );
    expect(again.map((r) => r.status)).toEqual(['capped', 'reserved']);
  });

  it('a redelivered job that finished emits nothing again', async () => {
    const bus = new ScriptedBus();
    await deliverJob(jobFor(['amy']), depsWith(bus));

    const again = await deliverJob(jobFor(['amy']), depsWith(bus));

    expect(again.alreadyDone).toBe(true);
    expect(bus.taken).toHaveLength(1);
  });

  it('resumes after a worker killed mid-job without emitting for anyone twice; the window in flight is counted interrupted', async () => {
    const recipients = users(250);
    // The first worker dies during its second window of 100: the bus never answers it.
    const dying = new ScriptedBus((_, call) => (call === 2 ? new Promise<never>(() => undefined) : ok));
    void deliverJob(jobFor(recipients), depsWith(dying));
    await new Promise((r) => setTimeout(r, 20));

    progress.now = 10 * 60_000; // its lease runs out; SQS hands the job to another worker
    const second = new ScriptedBus();
    const result = await deliverJob(jobFor(recipients), depsWith(second));

    const emitted = [...dying.taken, ...second.taken].map((e) => e.detail.userId);
    expect(emitted).toEqual([...recipients.slice(0, 100), ...recipients.slice(200)]);
    expect(result).toMatchObject({ delivered: 150, failed: 100 });
    expect((await outcomes.summary()).grant).toMatchObject({ delivered: 150, failed: { interrupted: 100 } });
  });
});
