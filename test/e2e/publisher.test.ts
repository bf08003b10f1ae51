import type { Server } from 'node:http';
import { Publisher } from 'herald/publisher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PutEventsEntry } from '../../shared/local/bus/local-bus.ts';
import { entrySize, MAX_ENTRIES, MAX_REQUEST_ENTRY_BYTES } from '../../shared/local/bus/put-events-limits.ts';
import { servePutEvents } from '../../shared/local/bus/put-events-server.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { audienceOf } from '../support/audience.ts';
import { sharedEngines } from '../support/engines.ts';
import { type FaultPlan, faultInjectingBus } from '../support/fault-injecting-bus.ts';

// Herald's clock, not the machine's: event times are checked against it (clock skew bound).
const now = new Date('2026-11-21T10:00:00Z');
const followers = ['amy', 'ben', 'cai', 'dan', 'eve', 'fay', 'gus', 'hal', 'ida', 'jon', 'kim', 'lea'];

const detailOf = (entry: PutEventsEntry) => JSON.parse(entry.Detail!) as Record<string, string>;

/**
 * Per-entry failures before dispatch (throttled twice, an internal failure once), and for the
 * listing an answer lost after the bus took it: the publisher cannot tell it went out.
 */
const plan: FaultPlan = (entry, attempt) => {
  const detail = detailOf(entry);
  if (detail.followerId === 'ben' && attempt <= 2)
    return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
  if (detail.followerId === 'eve' && attempt === 1)
    return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' };
  if (detail.itemId === 'item-1' && attempt === 1)
    return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure', afterDispatch: true };
  return undefined;
};

let runtime: LocalRuntime;
let faulty: ReturnType<typeof faultInjectingBus>;
let server: Server;
let publisher: Publisher;

describe('the publisher against the local runtime', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ engines: sharedEngines(), clock: new ManualClock(now) });
    faulty = faultInjectingBus(runtime.bus, plan);
    const served = await servePutEvents(faulty);
    server = served.server;
    publisher = new Publisher({
      eventBusName: runtime.busName,
      clientConfig: { endpoint: served.endpoint, region: localRegion, credentials: localCredentials },
      sleep: async () => {},
    });
  });
  afterAll(async () => {
    publisher.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.stop();
  });

  it('delivers every event once under per-entry failures and throttling', async () => {
    faulty.throttle(2);

    const out = await publisher.publish(
      followers.map((followerId) => ({
        source: 'market.social' as const,
        detailType: 'UserFollowed' as const,
        detail: { followerId, sellerId: 'seller-9' },
      })),
    );
    await runtime.drain();

    expect(out.failed).toEqual([]);
    expect(out.published.map((p) => p.index)).toEqual(followers.map((_, i) => i));
    expect(faulty.throttled).toBe(2);
    // What the bus dispatched to Herald: each follow once.
    expect(faulty.dispatched.map((e) => detailOf(e).followerId).sort()).toEqual([...followers].sort());
    for (const request of faulty.requests) {
      expect(request.length).toBeLessThanOrEqual(MAX_ENTRIES);
      expect(request.reduce((sum, e) => sum + entrySize(e), 0)).toBeLessThanOrEqual(MAX_REQUEST_ENTRY_BYTES);
    }
    expect(await audienceOf(runtime.ports.relations, 'follow', 'seller-9', now)).toEqual(
      [...followers].sort(),
    );
  });

  it('pushes a listing once to each follower though a lost answer made the publisher send it twice', async () => {
    for (const userId of ['amy', 'ben'])
      await registerDevice({ userId, platform: 'FCM', token: `fcm-token-${userId}` }, runtime.ports);
    const pushedBefore = runtime.simulator.received.length;

    const out = await publisher.publish({
      source: 'market.items',
      detailType: 'ItemListed',
      detail: { itemId: 'item-1', sellerId: 'seller-9', title: 'Brass lamp', price: 30, currency: 'EUR' },
      time: now,
    });
    await runtime.drain();

    expect(out.failed).toEqual([]);
    expect(faulty.dispatched.filter((e) => detailOf(e).itemId === 'item-1')).toHaveLength(2);
    const pushed = runtime.simulator.received.slice(pushedBefore).map((r) => r.userId);
    expect(pushed.sort()).toEqual(['amy', 'ben']);
    // Each copy planned for all twelve followers; the second one was held back, every recipient
    // of it, by the dedupe on the business identity.
    expect((await runtime.ports.outcomes.summary())['followed-seller-new-item']).toMatchObject({
      planned: 2 * followers.length,
      delivered: 2,
      suppressed: { duplicate: followers.length },
    });
  });
});
