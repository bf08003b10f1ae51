import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFatigueLedger } from '../../shared/adapters/dynamodb/fatigue-ledger.ts';
import { type CounterCap, defaultPolicy, rulesFor } from '../../shared/domain/fatigue/policy.ts';
import type { ReservationRequest } from '../../shared/domain/fatigue/reservation.ts';
import { RequestMeter } from '../../shared/observability/request-meter.ts';
import { ledgerTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let ledger: DynamoDbFatigueLedger;
let sequence = 0;

const cap = (
  layer: CounterCap['layer'],
  subject: string,
  limit: number,
  window: CounterCap['window'] = 'day',
  mode: CounterCap['mode'] = 'calendar',
): CounterCap => ({
  layer,
  subject,
  window,
  mode,
  limit,
});

const request = (
  userId: string,
  at: string,
  counters: CounterCap[],
  extra: Partial<ReservationRequest> = {},
): ReservationRequest => ({
  userId,
  timeZone: 'UTC',
  at: new Date(at),
  dedupeKey: `event-${++sequence}#recipe`,
  owner: 'task-1',
  counters,
  enforce: true,
  count: true,
  ...extra,
});

const statuses = async (requests: ReservationRequest[]) =>
  (await ledger.reserve(requests)).map((r) => (r.status === 'capped' ? `capped:${r.layer}` : r.status));

describe('DynamoDbFatigueLedger on DynamoDB Local', () => {
  beforeAll(async () => {
    ledger = new DynamoDbFatigueLedger(documentClientOf(client), await freshTable(client, ledgerTable));
  });
  afterAll(() => client.destroy());

  it('user layer: at most N a day across everything', async () => {
    const caps = [cap('user', '', 2)];
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(...(await statuses([request('u-user', '2026-11-21T10:00:00Z', caps)])));

    expect(results).toEqual(['reserved', 'reserved', 'capped:user']);
  });

  it('business layer counts per business; a joint cap spans the businesses of its group', async () => {
    const offer = [cap('business', 'offers', 5), cap('group', 'promotional', 2)];
    const priceAlert = [cap('business', 'price-alerts', 5), cap('group', 'promotional', 2)];
    const listing = [cap('business', 'listings', 1)];

    expect(await statuses([request('u-biz', '2026-11-21T10:00:00Z', offer)])).toEqual(['reserved']);
    expect(await statuses([request('u-biz', '2026-11-21T10:01:00Z', priceAlert)])).toEqual(['reserved']);
    expect(await statuses([request('u-biz', '2026-11-21T10:02:00Z', offer)])).toEqual(['capped:group']);
    expect(await statuses([request('u-biz', '2026-11-21T10:03:00Z', listing)])).toEqual(['reserved']);
    expect(await statuses([request('u-biz', '2026-11-21T10:04:00Z', listing)])).toEqual(['capped:business']);
  });

  it('sender layer counts per sender', async () => {
    expect(
      await statuses([request('u-snd', '2026-11-21T10:00:00Z', [cap('sender', 'seller-1', 1)])]),
    ).toEqual(['reserved']);
    expect(
      await statuses([request('u-snd', '2026-11-21T10:01:00Z', [cap('sender', 'seller-2', 1)])]),
    ).toEqual(['reserved']);
    expect(
      await statuses([request('u-snd', '2026-11-21T10:02:00Z', [cap('sender', 'seller-1', 1)])]),
    ).toEqual(['capped:sender']);
  });

  it('calendar days follow the user time zone: a new day starts at local midnight', async () => {
    const caps = [cap('user', '', 1)];
    const shanghai = { timeZone: 'Asia/Shanghai' };
    // 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is 00:01 the next day there, still the same UTC day.

    expect(await statuses([request('u-tz', '2026-11-21T15:59:00Z', caps, shanghai)])).toEqual(['reserved']);
    expect(await statuses([request('u-tz', '2026-11-21T15:59:30Z', caps, shanghai)])).toEqual([
      'capped:user',
    ]);
    expect(await statuses([request('u-tz', '2026-11-21T16:01:00Z', caps, shanghai)])).toEqual(['reserved']);
  });

  it('week caps hold across the days of a week and reset on Monday', async () => {
    const caps = [cap('user', '', 2, 'week')];

    expect(await statuses([request('u-wk', '2026-11-16T09:00:00Z', caps)])).toEqual(['reserved']); // Monday
    expect(await statuses([request('u-wk', '2026-11-19T09:00:00Z', caps)])).toEqual(['reserved']);
    expect(await statuses([request('u-wk', '2026-11-22T23:00:00Z', caps)])).toEqual(['capped:user']); // Sunday
    expect(await statuses([request('u-wk', '2026-11-23T00:30:00Z', caps)])).toEqual(['reserved']); // next Monday
  });

  it('the same push reserved again by its owner is recognised, by anyone else is a duplicate; neither counts', async () => {
    const caps = [cap('user', '', 2)];
    const first = request('u-dup', '2026-11-21T10:00:00Z', caps);

    expect(await statuses([first])).toEqual(['reserved']);
    expect(await statuses([first])).toEqual(['already-reserved']);
    expect(await statuses([{ ...first, owner: 'task-2' }])).toEqual(['duplicate']);
    expect(await statuses([request('u-dup', '2026-11-21T10:05:00Z', caps)])).toEqual(['reserved']);
    expect(await statuses([request('u-dup', '2026-11-21T10:06:00Z', caps)])).toEqual(['capped:user']);
  });

  it('50 triggers for one user at the same instant reserve exactly the cap', async () => {
    const caps = [cap('user', '', 3), cap('sender', 'seller-hot', 10)];
    const requests = Array.from({ length: 50 }, () => request('u-race', '2026-11-21T10:00:00Z', caps));

    const results = await Promise.all(requests.map((r) => statuses([r])));

    expect(results.flat().filter((s) => s === 'reserved')).toHaveLength(3);
    expect(results.flat().filter((s) => s === 'capped:user')).toHaveLength(47);
  });

  it('a released reservation gives its slot back and keeps its dedupe key', async () => {
    const caps = [cap('user', '', 1)];
    const first = request('u-rel', '2026-11-21T10:00:00Z', caps);
    await ledger.reserve([first]);

    await ledger.release([first]);

    expect(await statuses([first])).toEqual(['already-reserved']);
    expect(await statuses([request('u-rel', '2026-11-21T11:00:00Z', caps)])).toEqual(['reserved']);
  });

  it('giving back never takes a counter below zero', async () => {
    const caps = [cap('user', '', 1)];
    const first = request('u-zero', '2026-11-21T10:00:00Z', caps);
    await ledger.reserve([first]);

    await ledger.release([first]);
    await ledger.release([first]);

    expect(await statuses([request('u-zero', '2026-11-21T11:00:00Z', caps)])).toEqual(['reserved']);
    expect(await statuses([request('u-zero', '2026-11-21T12:00:00Z', caps)])).toEqual(['capped:user']);
  });

  it('bypassing recipes skip the caps, and count only when told to', async () => {
    const caps = [cap('user', '', 2)];
    const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, '0')}:00Z`;
    await ledger.reserve([request('u-byp', at(0), caps)]);

    const quiet = await statuses([request('u-byp', at(1), caps, { enforce: false, count: false })]);
    // Not counted: the second ordinary push still fits under the cap of 2.
    const second = request('u-byp', at(2), caps);
    const afterQuiet = await statuses([second]);
    const counted = await statuses([request('u-byp', at(3), caps, { enforce: false, count: true })]);
    // Counted: with the second push given back, the counter still stands at 2 (first + bypass).
    await ledger.release([second]);
    const afterCounted = await statuses([request('u-byp', at(4), caps)]);

    expect([quiet, afterQuiet, counted, afterCounted]).toEqual([
      ['reserved'],
      ['reserved'],
      ['reserved'],
      ['capped:user'],
    ]);
  });

  it('a cap of 0 lets nothing through, even before the counter exists', async () => {
    const results = await statuses([
      request('u-none', '2026-11-21T10:00:00Z', [cap('business', 'listings', 0)]),
      request('u-none-rolling', '2026-11-21T10:00:00Z', [cap('business', 'listings', 0, 'day', 'rolling')]),
    ]);

    expect(results).toEqual(['capped:business', 'capped:business']);
  });

  it('rolling windows count the last 24 hours, whatever the calendar says', async () => {
    const caps = [cap('user', '', 2, 'day', 'rolling')];

    expect(await statuses([request('u-roll', '2026-11-21T22:00:00Z', caps)])).toEqual(['reserved']);
    expect(await statuses([request('u-roll', '2026-11-21T23:00:00Z', caps)])).toEqual(['reserved']);
    // A new calendar day, but both pushes are within the last 24 hours.
    expect(await statuses([request('u-roll', '2026-11-22T01:00:00Z', caps)])).toEqual(['capped:user']);
    expect(await statuses([request('u-roll', '2026-11-22T22:30:00Z', caps)])).toEqual(['reserved']);
  });

  it('rolling windows tell a redelivery from a duplicate too', async () => {
    const first = request('u-roll-dup', '2026-11-21T10:00:00Z', [cap('user', '', 5, 'day', 'rolling')]);
    await ledger.reserve([first]);

    expect(await statuses([first])).toEqual(['already-reserved']);
    expect(await statuses([{ ...first, owner: 'task-2' }])).toEqual(['duplicate']);
  });

  it('rolling windows stay exact under concurrency', async () => {
    const caps = [cap('user', '', 4, 'hour', 'rolling')];
    const requests = Array.from({ length: 12 }, () => request('u-roll-race', '2026-11-21T10:00:00Z', caps));

    const results = await Promise.all(requests.map((r) => statuses([r])));

    expect(results.flat().filter((s) => s === 'reserved')).toHaveLength(4);
  });

  it("a user at the week's cap of 20 pushes from 20 senders keeps an item under 1 KB: every write one unit", async () => {
    const meter = new RequestMeter();
    meter.attach(client, 'dynamodb');
    const businesses = ['listings', 'price-alerts', 'offers'];
    const week = Array.from({ length: 20 }, (_, k) => {
      const day = 16 + Math.floor(k / 4);
      const sender = `seller-with-a-long-account-name-${String(k).padStart(2, '0')}`;
      const rules = rulesFor(defaultPolicy, 'recipe', businesses[k % 3]!, sender);
      return request(
        'u-heavy',
        `2026-11-${day}T${String(8 + (k % 4)).padStart(2, '0')}:00:00Z`,
        [...rules.counters],
        {
          dedupeKey: `event-${k}-of-a-long-business-identity#followed-seller-new-item`,
          owner: `event-${k}#followed-seller-new-item#3`,
        },
      );
    });

    const units: number[] = [];
    for (const push of week) {
      await meter.within(push.dedupeKey, () => ledger.reserve([push]));
      units.push(meter.usageOf(push.dedupeKey).dynamodbWriteUnits);
    }
    const capped = { ...week[0]!, at: new Date('2026-11-21T09:00:00Z'), dedupeKey: 'one-more#recipe' };
    const refused = await statuses([capped]);
    await meter.within('give-back', () => ledger.release([week[19]!]));

    expect(week.map(() => 'reserved')).toHaveLength(20);
    expect(refused).toEqual(['capped:user']);
    expect(units).toEqual(week.map(() => 1));
    expect(meter.usageOf('give-back').dynamodbWriteUnits).toBe(1);
    // The redelivered task still finds its own reservation among the 20.
    expect(await statuses([week[7]!])).toEqual(['already-reserved']);
    expect(await statuses([{ ...week[7]!, owner: 'another-task' }])).toEqual(['duplicate']);
  });
});
