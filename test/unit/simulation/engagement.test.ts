import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { receiptDataKey } from '../../../shared/domain/engagement/receipt.ts';
import { orderPlaced } from '../../../shared/domain/events/contracts.ts';
import type { Platform } from '../../../shared/domain/push/device.ts';
import { platformMessage } from '../../../shared/domain/push/payload.ts';
import { type Recipe, recipeSchema } from '../../../shared/domain/recipes/recipe.ts';
import { ManualClock } from '../../../shared/local/manual-clock.ts';
import {
  type ConversionEvent,
  type EngagedDelivery,
  engagedDeliveries,
  playUsers,
  readPushContext,
  readReceiptToken,
  seededDraw,
} from '../../../shared/simulation/engagement.ts';
import { type Engagement, engagementSchema } from '../../../shared/simulation/scenario.ts';

const start = '2026-11-21T10:00:00.000Z';

/** A platform message as SNS delivers it, with the receipt token where the payload builder puts it. */
const messageWith = (
  platform: Platform,
  context: { eventId: string; recipeId: string; variant: string },
  token?: string,
) => {
  const envelope = JSON.parse(
    platformMessage(platform, { title: 'Price drop', body: 'Now 22 EUR' }, context),
  );
  const key = platform === 'FCM' ? 'GCM' : platform;
  const payload = JSON.parse(envelope[key]);
  if (token !== undefined) {
    if (platform === 'FCM') payload.fcmV1Message.message.data[receiptDataKey] = token;
    else payload[receiptDataKey] = token;
  }
  return JSON.stringify({ ...envelope, [key]: JSON.stringify(payload) });
};

const recipe: Recipe = recipeSchema.parse({
  id: 'price-drop',
  description: 'd',
  trigger: { source: 'market.items', detailType: 'PriceDropped' },
  audience: [{ relation: 'favorite', targetField: 'itemId' }],
  business: 'price-alerts',
  category: 'price-drops',
  push: { title: 't', body: 'b' },
  variants: [
    { id: 'A', weight: 45, push: { title: 't', body: 'b' } },
    { id: 'B', weight: 45, push: { title: 't', body: 'b' } },
    { id: 'H', weight: 10, holdout: true },
  ],
  conversion: { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyerId' },
});

const delivery = (userId: string, variant = 'A', extra: Partial<EngagedDelivery> = {}): EngagedDelivery => ({
  userId,
  recipe: 'price-drop',
  variant,
  eventId: 'evt-1',
  time: start,
  receiptToken: `token-${userId}-${extra.eventId ?? 'evt-1'}`,
  ...extra,
});

const engagement = (input: Record<string, unknown>): Engagement => engagementSchema.parse(input);

/** The fake receipt endpoint: a real HTTP server that keeps what it was sent, and when. */
interface Posted {
  readonly body: { token: string; kind: string };
  readonly at: string;
  readonly contentType?: string;
}
let server: Server;
let endpoint: string;
let posted: Posted[] = [];
let clock: ManualClock;

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(text);
      posted.push({ body, at: clock.now().toISOString(), contentType: request.headers['content-type'] });
      const forged = String(body.token).startsWith('forged');
      response.writeHead(forged ? 401 : 202, { 'content-type': 'application/json' });
      response.end(JSON.stringify(forged ? { reason: 'bad-signature' } : { counted: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/receipts`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  posted = [];
  clock = new ManualClock(new Date(start));
});

const play = async (
  deliveries: readonly EngagedDelivery[],
  input: Record<string, unknown>,
  extra: { holdouts?: Parameters<typeof playUsers>[2]['holdouts'] } = {},
) => {
  const published: ConversionEvent[] = [];
  const result = await playUsers(deliveries, engagement(input), {
    receiptEndpoint: endpoint,
    publish: (event) => {
      published.push(event);
    },
    clock,
    recipes: [recipe],
    ...extra,
  });
  return { ...result, published };
};

describe('readPushContext', () => {
  const context = { eventId: 'evt-9', recipeId: 'price-drop', variant: 'B' };

  it.each(['APNS', 'APNS_SANDBOX', 'FCM'] as const)(
    'reads the message and its receipt token from %s',
    (platform) => {
      const message = messageWith(platform, context, 'tok.sig');

      expect(readPushContext(platform, message)).toEqual({
        recipe: 'price-drop',
        variant: 'B',
        eventId: 'evt-9',
        receiptToken: 'tok.sig',
      });
      expect(readReceiptToken(platform, message)).toBe('tok.sig');
    },
  );

  it('has no token for a push sent without one', () => {
    expect(readReceiptToken('FCM', messageWith('FCM', context))).toBeUndefined();
    expect(readPushContext('APNS', messageWith('APNS', context))).not.toHaveProperty('receiptToken');
  });

  it('reads the device simulator’s received pushes', () => {
    const at = new Date(start);
    const received = [
      { userId: 'u1', platform: 'FCM' as const, message: messageWith('FCM', context, 't1'), at },
    ];

    expect(engagedDeliveries(received)).toEqual([
      { userId: 'u1', time: start, recipe: 'price-drop', variant: 'B', eventId: 'evt-9', receiptToken: 't1' },
    ]);
  });
});

describe('seededDraw', () => {
  it('is uniform enough and repeatable', () => {
    const draws = Array.from({ length: 10_000 }, (_, i) => seededDraw(7, 'open', `u${i}`));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;

    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(seededDraw(7, 'open', 'u1')).toBe(draws[1]);
    expect(seededDraw(8, 'open', 'u1')).not.toBe(draws[1]);
  });
});

describe('playUsers', () => {
  it('opens every delivered message at probability 1, POSTing its token to the endpoint after the delay', async () => {
    const deliveries = [delivery('u1'), delivery('u2', 'B'), delivery('u3', 'A', { eventId: 'evt-2' })];

    const { opens } = await play(deliveries, {
      seed: 7,
      openRate: { 'price-drop': { A: 1, B: 1 } },
      delaySeconds: 30,
    });

    expect(posted.map((p) => p.body).sort((a, b) => a.token.localeCompare(b.token))).toEqual([
      { token: 'token-u1-evt-1', kind: 'opened' },
      { token: 'token-u2-evt-1', kind: 'opened' },
      { token: 'token-u3-evt-2', kind: 'opened' },
    ]);
    expect(posted.every((p) => p.at === '2026-11-21T10:00:30.000Z')).toBe(true);
    expect(posted[0]?.contentType).toBe('application/json');
    expect(opens).toHaveLength(3);
    expect(opens[0]).toEqual({
      delivery: 0,
      userId: 'u1',
      recipe: 'price-drop',
      variant: 'A',
      eventId: 'evt-1',
      time: '2026-11-21T10:00:30.000Z',
      status: 202,
    });
    expect(clock.now().toISOString()).toBe('2026-11-21T10:00:30.000Z');
  });

  it('POSTs nothing at probability 0 or for a variant without a rate', async () => {
    const deliveries = [delivery('u1'), delivery('u2', 'B')];

    const { opens } = await play(deliveries, { openRate: { 'price-drop': { A: 0 } } });

    expect(opens).toEqual([]);
    expect(posted).toEqual([]);
    expect((await play(deliveries, {})).opens).toEqual([]);
  });

  it('opens a message once per user, on the first device to receive it', async () => {
    const deliveries = [
      delivery('u1', 'A', { time: '2026-11-21T10:00:02.000Z', receiptToken: 'tablet' }),
      delivery('u1', 'A', { time: '2026-11-21T10:00:01.000Z', receiptToken: 'phone' }),
    ];

    const { opens } = await play(deliveries, { openRate: { 'price-drop': { A: 1 } }, delaySeconds: 0 });

    expect(posted.map((p) => p.body.token)).toEqual(['phone']);
    expect(opens.map((o) => o.delivery)).toEqual([1]);
  });

  it('draws the same opens for the same seed, whatever the order of the deliveries', async () => {
    const deliveries = Array.from({ length: 400 }, (_, i) => delivery(`u${i}`, i % 2 ? 'B' : 'A'));
    const input = { seed: 7, openRate: { 'price-drop': { A: 0.2, B: 0.6 } } };
    const opened = (opens: { userId: string }[]) => opens.map((o) => o.userId).sort();

    const first = await play(deliveries, input);
    const again = await play([...deliveries].reverse(), input);
    const otherSeed = await play(deliveries, { ...input, seed: 8 });

    expect(opened(again.opens)).toEqual(opened(first.opens));
    expect(opened(otherSeed.opens)).not.toEqual(opened(first.opens));
    const a = first.opens.filter((o) => o.variant === 'A').length;
    const b = first.opens.filter((o) => o.variant === 'B').length;
    expect(a).toBeGreaterThan(20);
    expect(a).toBeLessThan(60);
    expect(b).toBeGreaterThan(95);
    expect(b).toBeLessThan(145);
    expect(posted).toHaveLength(first.opens.length + again.opens.length + otherSeed.opens.length);
  });

  it('records the status the endpoint answered', async () => {
    const { opens } = await play([delivery('u1', 'A', { receiptToken: 'forged.token' })], {
      openRate: { 'price-drop': { A: 1 } },
    });

    expect(opens[0]?.status).toBe(401);
  });

  it('decides the open of a push without a token but posts nothing for it', async () => {
    const { opens } = await play([delivery('u1', 'A', { receiptToken: undefined })], {
      openRate: { 'price-drop': { A: 1 } },
    });

    expect(posted).toEqual([]);
    expect(opens).toHaveLength(1);
    expect(opens[0]).not.toHaveProperty('status');
  });

  it('publishes the conversion event of an opened message after the delay, as its contract wants it', async () => {
    const { conversions, published } = await play([delivery('u1'), delivery('u2', 'B')], {
      openRate: { 'price-drop': { A: 1, B: 1 } },
      conversionRate: { 'price-drop': { A: 1 } },
      delaySeconds: 60,
    });

    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      source: 'market.orders',
      detailType: 'OrderPlaced',
      time: '2026-11-21T10:02:00.000Z',
      detail: { buyerId: 'u1', total: 25, currency: 'EUR' },
    });
    expect(orderPlaced.safeParse(published[0]?.detail).success).toBe(true);
    expect(conversions).toEqual([
      {
        userId: 'u1',
        recipe: 'price-drop',
        variant: 'A',
        eventId: 'evt-1',
        time: '2026-11-21T10:02:00.000Z',
        event: published[0],
      },
    ]);
    expect(clock.now().toISOString()).toBe('2026-11-21T10:02:00.000Z');
  });

  it('converts only opened messages', async () => {
    const { published } = await play([delivery('u1')], { conversionRate: { 'price-drop': { A: 1 } } });

    expect(published).toEqual([]);
  });

  it('converts holdout recipients at their own rate, without a push', async () => {
    const holdouts = [
      { userId: 'h1', recipe: 'price-drop', variant: 'H', eventId: 'evt-1', time: start },
      { userId: 'h2', recipe: 'price-drop', variant: 'H', eventId: 'evt-1', time: start },
    ];

    const { conversions, opens } = await play(
      [],
      { conversionRate: { 'price-drop': { H: 1 } }, delaySeconds: 10 },
      { holdouts },
    );

    expect(opens).toEqual([]);
    expect(posted).toEqual([]);
    expect(conversions.map((c) => [c.userId, c.variant, c.time])).toEqual([
      ['h1', 'H', '2026-11-21T10:00:20.000Z'],
      ['h2', 'H', '2026-11-21T10:00:20.000Z'],
    ]);
  });

  it('never converts a recipe without a conversion event', async () => {
    const { published } = await play([delivery('u1', 'A', { recipe: 'other' })], {
      openRate: { other: { A: 1 } },
      conversionRate: { other: { A: 1 } },
    });

    expect(published).toEqual([]);
  });

  it('moves the clock forward only, in time order', async () => {
    clock.advanceTo(new Date('2026-11-21T11:00:00.000Z'));

    await play([delivery('u1')], { openRate: { 'price-drop': { A: 1 } } });

    expect(posted[0]?.at).toBe('2026-11-21T11:00:00.000Z');
  });
});
