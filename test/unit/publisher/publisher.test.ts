import { afterEach, describe, expect, it } from 'vitest';
import { businessIdentity } from '../../../shared/domain/events/identity.ts';
import type { PutEventsEntry } from '../../../shared/local/bus/local-bus.ts';
import {
  entrySize,
  MAX_ENTRIES,
  MAX_REQUEST_ENTRY_BYTES,
} from '../../../shared/local/bus/put-events-limits.ts';
import { servePutEvents } from '../../../shared/local/bus/put-events-server.ts';
import { localCredentials, localRegion } from '../../../shared/local/engines.ts';
import { type PublishableEvent, Publisher } from '../../../shared/publisher/index.ts';
import { type FaultPlan, faultInjectingBus } from '../../support/fault-injecting-bus.ts';
import { busName, startRecordingBus } from '../bus/recording-bus.ts';

const followed = (followerId: string, resources?: string[]): PublishableEvent => ({
  source: 'market.social',
  detailType: 'UserFollowed',
  detail: { followerId, sellerId: 'seller-1' },
  ...(resources ? { resources } : {}),
});
const followerOf = (entry: PutEventsEntry) =>
  (JSON.parse(entry.Detail!) as { followerId: string }).followerId;
const requestBytes = (entries: readonly PutEventsEntry[]) =>
  entries.reduce((sum, e) => sum + entrySize(e), 0);

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});

/** The local bus behind a fault-injecting stand-in, and a publisher whose sleeps are recorded, not slept. */
const setUp = async (plan?: FaultPlan, maxAttempts = 5) => {
  const local = await startRecordingBus();
  const faulty = faultInjectingBus(local.bus, plan);
  const { endpoint, server } = await servePutEvents(faulty);
  const sleeps: number[] = [];
  const publisher = new Publisher({
    eventBusName: busName,
    clientConfig: { endpoint, region: localRegion, credentials: localCredentials },
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  stops.push(async () => {
    publisher.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await local.stop();
  });
  return { local, faulty, publisher, sleeps };
};

describe('Publisher', () => {
  it('packs at most ten entries per request, in order', async () => {
    const { faulty, publisher } = await setUp();

    const out = await publisher.publish(Array.from({ length: 25 }, (_, i) => followed(`u${i}`)));

    expect(out.failed).toEqual([]);
    expect(out.published.map((p) => p.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(faulty.requests.map((r) => r.length)).toEqual([MAX_ENTRIES, MAX_ENTRIES, 5]);
  });

  it('packs requests to at most 1 MB by the entry-size formula', async () => {
    const { faulty, publisher } = await setUp();
    const big = (i: number) => followed(`u${i}`, [`arn:aws:s3:::${'x'.repeat(300_000)}`]);

    const out = await publisher.publish(Array.from({ length: 7 }, (_, i) => big(i)));

    expect(out.failed).toEqual([]);
    expect(out.published).toHaveLength(7);
    expect(faulty.requests.map((r) => r.length)).toEqual([3, 3, 1]);
    for (const request of faulty.requests)
      expect(requestBytes(request)).toBeLessThanOrEqual(MAX_REQUEST_ENTRY_BYTES);
  });

  it('fails an entry larger than a request on its own, and sends the others', async () => {
    const { faulty, publisher } = await setUp();

    const out = await publisher.publish([
      followed('amy'),
      followed('ben', ['x'.repeat(MAX_REQUEST_ENTRY_BYTES)]),
      followed('cat'),
    ]);

    expect(out.published.map((p) => p.index)).toEqual([0, 2]);
    expect(out.failed).toEqual([
      expect.objectContaining({ index: 1, code: 'EntryTooLarge', retryable: false }),
    ]);
    expect(out.failed[0]!.message).toMatch(/bytes by EventBridge's size formula/);
    expect(faulty.requests.flat().map(followerOf)).toEqual(['amy', 'cat']);
  });

  it('refuses a detail that breaks its contract before sending, naming the field', async () => {
    const { faulty, publisher } = await setUp();
    const listing = { itemId: 'i-1', sellerId: 's-1', title: 'Lamp', currency: 'EUR' };

    const out = await publisher.publish([
      // @ts-expect-error the contract types price as a number
      { source: 'market.items', detailType: 'ItemListed', detail: { ...listing, price: 'cheap' } },
      // @ts-expect-error no contract has this detail-type
      { source: 'market.items', detailType: 'ItemSold', detail: {} },
    ]);

    expect(out.published).toEqual([]);
    expect(out.failed).toEqual([
      expect.objectContaining({ index: 0, code: 'InvalidDetail', field: 'detail.price', retryable: false }),
      expect.objectContaining({ index: 1, code: 'UnknownEventType', retryable: false }),
    ]);
    expect(out.failed[0]!.message).toMatch(/^detail\.price: /);
    expect(faulty.requests).toEqual([]);
  });

  it('retries only the entries that failed with a retryable code, with full-jitter backoff', async () => {
    const plan: FaultPlan = (entry, attempt) => {
      const who = followerOf(entry);
      if (who === 'u3' && attempt <= 2)
        return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
      if (who === 'u5' && attempt === 1) return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
      if (who === 'u7') return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      return undefined;
    };
    const { faulty, publisher, sleeps } = await setUp(plan);

    const out = await publisher.publish(Array.from({ length: 10 }, (_, i) => followed(`u${i}`)));

    expect(out.published).toHaveLength(9);
    expect(out.failed).toEqual([
      {
        index: 7,
        code: 'MalformedDetail',
        message: 'Detail is malformed.',
        retryable: false,
        identity: businessIdentity({
          source: 'market.social',
          detailType: 'UserFollowed',
          detail: { followerId: 'u7', sellerId: 'seller-1' },
        }),
      },
    ]);
    expect(faulty.requests.map((r) => r.map(followerOf))).toEqual([
      ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'],
      ['u3', 'u5'],
      ['u3'],
    ]);
    expect(faulty.dispatched.map(followerOf).sort()).toEqual([
      'u0',
      'u1',
      'u2',
      'u3',
      'u4',
      'u5',
      'u6',
      'u8',
      'u9',
    ]);
    // random() = 0.5 of 100 ms, then of 200 ms.
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up after its attempts with a retryable error naming the code', async () => {
    const { faulty, publisher, sleeps } = await setUp(
      () => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }),
      3,
    );

    const out = await publisher.publish(followed('amy'));

    expect(out.failed).toEqual([
      expect.objectContaining({ index: 0, code: 'ThrottlingException', retryable: true }),
    ]);
    expect(out.failed[0]!.message).toMatch(/gave up after 3 attempts/);
    expect(faulty.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('retries a throttled request itself, and its own client does not retry beneath it', async () => {
    const { faulty, publisher, sleeps } = await setUp();
    faulty.throttle(2);

    const out = await publisher.publish([followed('amy'), followed('ben')]);

    expect(out.failed).toEqual([]);
    // Two throttled answers, each seen by the publisher: the SDK client did not retry them (maxAttempts 1).
    expect(faulty.throttled).toBe(2);
    expect(sleeps).toEqual([50, 100]);
    expect(faulty.dispatched.map(followerOf)).toEqual(['amy', 'ben']);
  });

  it('sends one business event once however often a call repeats it, answering each index', async () => {
    const { faulty, publisher } = await setUp();

    const out = await publisher.publish([followed('amy'), followed('ben'), followed('amy')]);

    expect(faulty.dispatched.map(followerOf)).toEqual(['amy', 'ben']);
    const [first, , third] = out.published;
    expect(third).toEqual({ ...first, index: 2 });
    expect(first!.identity).toBe(
      businessIdentity({
        source: 'market.social',
        detailType: 'UserFollowed',
        detail: { followerId: 'amy', sellerId: 'seller-1' },
      }),
    );
  });
});
