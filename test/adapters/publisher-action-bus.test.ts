import type { Server } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublisherActionBus } from '../../shared/adapters/eventbridge/publisher-action-bus.ts';
import type { ActionEvent } from '../../shared/domain/actions/action-event.ts';
import type { BusRule } from '../../shared/domain/routing/bus-rules.ts';
import { LocalEventBus, type PutEventsEntry } from '../../shared/local/bus/local-bus.ts';
import { MAX_ENTRIES } from '../../shared/local/bus/put-events-limits.ts';
import { servePutEvents } from '../../shared/local/bus/put-events-server.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { RequestMeter } from '../../shared/observability/request-meter.ts';
import { Publisher } from '../../shared/publisher/publisher.ts';
import { faultInjectingBus } from '../support/fault-injecting-bus.ts';

const benefit = (userId: string, extra: Record<string, unknown> = {}): ActionEvent => ({
  detailType: 'BenefitGranted',
  detail: {
    recipeId: 'grant',
    userId,
    actionId: `a-${userId}`,
    trigger: { id: 'e1', source: 'market.orders', detailType: 'OrderPlaced' },
    chain: ['grant'],
    ...extra,
  },
});
const userOf = (entry: PutEventsEntry) => (JSON.parse(entry.Detail!) as { userId: string }).userId;

const received: unknown[] = [];
const rule: BusRule = {
  name: 'benefits',
  description: 'every action event',
  pattern: { source: ['herald.actions'] },
  target: 'planner',
};
const bus = new LocalEventBus([{ rule, deliver: async (event) => void received.push(event) }], {
  busName: 'herald-test',
  clock: new ManualClock(new Date('2026-11-21T10:00:00Z')),
  onUndeliverable: async () => undefined,
});
// u03 is throttled twice then taken; u07 refused for good; u12's detail breaks the contract.
const faulty = faultInjectingBus(bus, (entry, attempt) => {
  const user = userOf(entry);
  if (user === 'u03' && attempt <= 2)
    return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
  if (user === 'u07') return { ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' };
  return undefined;
});
const meter = new RequestMeter();
let server: Server;
let client: EventBridgeClient;
let actions: PublisherActionBus;

describe('PublisherActionBus against the local bus', () => {
  beforeAll(async () => {
    const served = await servePutEvents(faulty);
    server = served.server;
    client = new EventBridgeClient({
      endpoint: served.endpoint,
      region: localRegion,
      credentials: localCredentials,
      maxAttempts: 1,
    });
    meter.attach(client, 'eventbridge');
    actions = new PublisherActionBus(
      new Publisher({ client, eventBusName: 'herald-test', sleep: async () => undefined }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('emits in requests AWS accepts, retries what was throttled, and answers per event', async () => {
    const events = Array.from({ length: 25 }, (_, i) => {
      const user = `u${String(i).padStart(2, '0')}`;
      return user === 'u12' ? benefit(user, { chain: [] }) : benefit(user);
    });

    const results = await meter.within('grant', () => actions.emit(events));
    await bus.idle();

    expect(results.filter((r) => r.status === 'emitted')).toHaveLength(23);
    expect(results[7]).toMatchObject({ status: 'failed', code: 'AccessDeniedException', sent: false });
    expect(results[12]).toMatchObject({ status: 'failed', code: 'InvalidDetail', sent: false });
    expect(
      faulty.requests.every((r) => r.length <= MAX_ENTRIES && r.every((e) => e.Source === 'herald.actions')),
    ).toBe(true);
    expect(faulty.dispatched.map(userOf).sort()).toEqual(
      events.map((e) => String(e.detail.userId)).filter((u) => u !== 'u07' && u !== 'u12'),
    );
    expect(received).toHaveLength(23);
    // Billed: each event the bus took, once; none that it refused or never saw.
    expect(meter.usageOf('grant').eventBridgeEvents).toBe(23);
  });

  it('bills an event of more than 64 KB as one event per 64 KB chunk', async () => {
    const before = meter.usageOf('large').eventBridgeEvents;

    const [result] = await meter.within('large', () =>
      actions.emit([benefit('big', { note: 'x'.repeat(100_000) })]),
    );

    expect(result?.status).toBe('emitted');
    expect(meter.usageOf('large').eventBridgeEvents - before).toBe(2);
  });
});
