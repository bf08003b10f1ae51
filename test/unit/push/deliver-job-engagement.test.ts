import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryJobMessage } from '../../../functions/contracts.ts';
import { InMemoryFatigueLedger } from '../../../shared/adapters/memory/fatigue-ledger.ts';
import { InMemoryUserDirectory } from '../../../shared/adapters/memory/user-directory.ts';
import type { MessageRecord } from '../../../shared/domain/engagement/message-log.ts';
import { receiptDataKey } from '../../../shared/domain/engagement/receipt.ts';
import { keySigner, verifyReceipt } from '../../../shared/domain/engagement/receipt-token.ts';
import type { DeliveryJob, FatigueReservation } from '../../../shared/domain/push/delivery-job.ts';
import { parseOrThrow } from '../../../shared/domain/validation.ts';
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

const now = new Date('2026-11-21T10:00:00Z');
const key = new Uint8Array(32).fill(7);
const job = (userIds: string[], overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  jobId: 'task-1#0',
  eventId: 'evt-1',
  recipeId: 'price-drop',
  variant: 'B',
  push: { title: 'Price drop', body: 'Now 22 EUR' },
  userIds,
  ...overrides,
});

/** A held job's reservation, taken when it is released. */
const heldReservation: FatigueReservation = {
  at: now.toISOString(),
  counters: [],
  dedupeKey: 'listing-1#recipe',
  enforce: true,
  count: true,
  reserved: false,
};

let devices: MemoryDevices;
let records: MessageRecord[];
const depsWith = (gateway: ScriptedGateway): DeliverJobDeps => ({
  devices,
  gateway,
  outcomes: new MemoryOutcomes(),
  deliveryProgress: new MemoryProgress(),
  delivery: new MemoryQueue(),
  fatigue: new InMemoryFatigueLedger(),
  users: new InMemoryUserDirectory(),
  clock: { now: () => now },
  throttle: { sleep: async () => undefined, maxFollowUps: 0 },
  receipts: keySigner(async () => key),
  messageLog: { append: async (batch) => void records.push(...batch) },
});

/** The data the app receives with the push, from the SNS message of either platform. */
const dataOf = (message: string): Record<string, string> => {
  const structured = JSON.parse(message) as Record<string, string>;
  if (structured.GCM) return JSON.parse(structured.GCM).fcmV1Message.message.data;
  return JSON.parse(structured.APNS!);
};

describe('deliverJob closes the loop', () => {
  beforeEach(() => {
    devices = new MemoryDevices();
    records = [];
  });

  it('gives every device its own receipt token, signed, naming the message, variant, user and device', async () => {
    devices.byUser.set('amy', [device('amy', 0), device('amy', 1)]);
    const gateway = new ScriptedGateway();

    await deliverJob(job(['amy']), depsWith(gateway));

    const claims = gateway.calls.map((c) => {
      const check = verifyReceipt(dataOf(c.push.message)[receiptDataKey]!, key, now.getTime() / 1000);
      if (!check.valid) throw new Error(`token refused: ${check.reason}`);
      return check.claims;
    });
    expect(claims.map((c) => c.deviceId).sort()).toEqual(['amy-d0', 'amy-d1']);
    expect(claims[0]).toMatchObject({ eventId: 'evt-1', scope: 'price-drop', variant: 'B', userId: 'amy' });
    expect(claims[0]!.expiresAt).toBeGreaterThan(now.getTime() / 1000 + 86_400);
  });

  it('logs each step of each recipient in one batch per window, with ids and reasons, never tokens or text', async () => {
    devices.byUser.set('amy', [device('amy', 0)]);
    devices.byUser.set('ben', [device('ben', 1)]);
    const gateway = new ScriptedGateway((endpoint) => (endpoint.includes('ben') ? throttled : sent));

    await deliverJob(job(['amy', 'ben', 'cai']), depsWith(gateway));

    expect(records.map((r) => [r.userId, r.step, r.reason ?? ''])).toEqual([
      ['amy', 'published', ''],
      ['amy', 'delivered', ''],
      ['ben', 'failed', 'throttled'],
      ['cai', 'suppressed', 'no-device'],
    ]);
    expect(records[0]).toMatchObject({
      scope: 'price-drop',
      eventId: 'evt-1',
      variant: 'B',
      jobId: 'task-1#0',
    });
    expect(JSON.stringify(records)).not.toMatch(/token-|Price drop/);
  });

  it('a held job killed mid-window gives each recipient one outcome, the fatigue-blocked ones included', async () => {
    for (const userId of ['a', 'b', 'c']) devices.byUser.set(userId, [device(userId, 1)]);
    const deps = depsWith(new ScriptedGateway());
    const fatigue = heldReservation;
    // `a` already got this listing from another job: a duplicate at release.
    await deps.fatigue.reserve([
      {
        userId: 'a',
        timeZone: 'UTC',
        at: now,
        dedupeKey: fatigue.dedupeKey,
        owner: 'other-job',
        counters: [],
        enforce: true,
        count: true,
      },
    ]);
    const held = job(['a', 'b', 'c'], { fatigue, releaseAt: now.toISOString() });
    const crashing = new ScriptedGateway(() => {
      throw new Error('worker killed');
    });

    await expect(deliverJob(held, { ...deps, gateway: crashing })).rejects.toThrow('worker killed');
    await deliverJob(held, deps);

    const summary = (await deps.outcomes.summary())['price-drop']!;
    const outcomes =
      summary.delivered +
      Object.values({ ...summary.suppressed, ...summary.failed }).reduce((n, c) => n + c, 0);
    expect(outcomes).toBe(3);
    expect(summary.failed).toEqual({ interrupted: 3 });
  });

  it("a held job carrying its recipients' zone, with a push naming only their id, reads no profile", async () => {
    for (const userId of ['a', 'b']) devices.byUser.set(userId, [device(userId, 1)]);
    const gateway = new ScriptedGateway();
    const users = new InMemoryUserDirectory();
    await users.save({ id: 'a', timeZone: 'UTC', flags: [], optOuts: [] });
    const read: string[][] = [];
    const counting = Object.assign(Object.create(users), {
      profilesOf: (ids: readonly string[]) => {
        read.push([...ids]);
        return users.profilesOf(ids);
      },
    });
    const fatigue = new InMemoryFatigueLedger();
    const zones: string[] = [];
    const watching = Object.assign(Object.create(fatigue), {
      reserve: (requests: Parameters<typeof fatigue.reserve>[0]) => {
        zones.push(...requests.map((r) => r.timeZone));
        return fatigue.reserve(requests);
      },
    });
    const personal = { template: { title: 'Hi', body: 'For {{recipient.id}}' }, values: {} };
    const reservation = { ...heldReservation, timeZone: 'Asia/Tokyo' };
    const held = job(['a', 'b'], { fatigue: reservation, releaseAt: now.toISOString(), personal });

    // The queue's contract takes the zone, and only a real one.
    expect(parseOrThrow(deliveryJobMessage, held, 'body').fatigue?.timeZone).toBe('Asia/Tokyo');
    const martian = { ...held, fatigue: { ...reservation, timeZone: 'Mars/Olympus' } };
    expect(() => parseOrThrow(deliveryJobMessage, martian, 'body')).toThrow(
      /^body\.fatigue\.timeZone: not an IANA time zone/,
    );

    await deliverJob(held, { ...depsWith(gateway), users: counting, fatigue: watching });

    expect(read).toEqual([]);
    expect(zones).toEqual(['Asia/Tokyo', 'Asia/Tokyo']);
    expect(gateway.calls).toHaveLength(2);
    expect(gateway.calls.some((c) => c.push.message.includes('For b'))).toBe(true);

    // Without the zone, the profiles give each recipient's clock.
    zones.length = 0;
    await deliverJob(
      job(['a'], {
        jobId: 'task-2#0',
        fatigue: { ...heldReservation, dedupeKey: 'listing-2#recipe' },
        releaseAt: now.toISOString(),
      }),
      { ...depsWith(gateway), users: counting, fatigue: watching },
    );
    expect(read).toEqual([['a']]);
    expect(zones).toEqual(['UTC']);
  });
});
