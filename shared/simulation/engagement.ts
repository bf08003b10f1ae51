import { createHash } from 'node:crypto';
import { singleVariant } from '../domain/engagement/experiment.ts';
import { receiptDataKey } from '../domain/engagement/receipt.ts';
import type { Platform } from '../domain/push/device.ts';
import type { Recipe } from '../domain/recipes/recipe.ts';
import type { Engagement } from './scenario.ts';

/**
 * The device simulator playing the user: which pushes are opened, through the real receipt
 * endpoint with the real tokens, and which opens lead to a conversion event on the bus. Every
 * draw is seeded, so a scenario opens and converts the same messages on every run.
 */

/** What the app reads out of a push besides its text: which message it is and its receipt token. */
export interface PushContextRead {
  readonly recipe: string;
  readonly variant: string;
  readonly eventId: string;
  /** The signed receipt token (data key `heraldReceipt`); absent from pushes sent without one. */
  readonly receiptToken?: string;
}

/**
 * Reads the message's context out of the platform payload SNS would deliver, as the app would:
 * APNs custom keys sit beside `aps`, FCM's in the message's string-only `data`.
 *
 * @example readPushContext('FCM', received.message) // { recipe: 'favorited-item-price-drop', variant: 'B', eventId: '…', receiptToken: '…' }
 */
export const readPushContext = (platform: Platform, message: string): PushContextRead => {
  const structured = JSON.parse(message) as Record<string, string>;
  const fields: Record<string, unknown> =
    platform === 'FCM'
      ? (JSON.parse(structured.GCM!).fcmV1Message.message.data ?? {})
      : JSON.parse(structured[platform]!);
  const text = (key: string): string | undefined =>
    typeof fields[key] === 'string' ? (fields[key] as string) : undefined;
  const receiptToken = text(receiptDataKey);
  return {
    recipe: text('recipeId') ?? '',
    variant: text('variant') ?? singleVariant,
    eventId: text('eventId') ?? '',
    ...(receiptToken ? { receiptToken } : {}),
  };
};

/** The receipt token of a push, or undefined when it carries none. */
export const readReceiptToken = (platform: Platform, message: string): string | undefined =>
  readPushContext(platform, message).receiptToken;

/** A push a phone received, as the simulator plays it. */
export interface EngagedDelivery extends PushContextRead {
  readonly userId: string;
  /** ISO instant the phone received it. */
  readonly time: string;
}

/** The device simulator's received pushes (`runtime.simulator.received`), read for playUsers. */
export const engagedDeliveries = (
  received: readonly { userId: string; platform: Platform; message: string; at: Date }[],
): EngagedDelivery[] =>
  received.map((r) => ({
    userId: r.userId,
    time: r.at.toISOString(),
    ...readPushContext(r.platform, r.message),
  }));

/** A recipient the holdout kept from a message: no push to open, but a conversion all the same. */
export interface HeldOutRecipient {
  readonly userId: string;
  readonly recipe: string;
  readonly variant: string;
  readonly eventId: string;
  /** ISO instant the push would have gone out (the `suppressed` step's). */
  readonly time: string;
}

/** A conversion event for the bus; `time` is on the simulated clock. */
export interface ConversionEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly time: string;
}

export interface PlayOptions {
  /** The runtime's receipt endpoint (URL) the app POSTs `{"token", "kind"}` to. */
  readonly receiptEndpoint: string;
  /** Puts a conversion event on the bus (the local bus's PutEvents, `Time` set to `time`). */
  readonly publish: (event: ConversionEvent) => Promise<void> | void;
  /** The simulated clock, moved forward to each open and conversion before it happens, never back. */
  readonly clock: { now(): Date; advanceTo?(time: Date): void };
  /** The run's recipes, for their conversion events; a recipe without `conversion` never converts. */
  readonly recipes: readonly Recipe[];
  /** Recipients the holdout kept from a message, converting at their variant's `conversionRate`. */
  readonly holdouts?: readonly HeldOutRecipient[];
  /** Receipts at once; the endpoint is local, a few in flight keep it busy. */
  readonly concurrency?: number;
  readonly fetch?: typeof fetch;
}

export interface SimulatedOpen {
  /** Index, in the deliveries given, of the delivery opened (the first device of the message). */
  readonly delivery: number;
  readonly userId: string;
  readonly recipe: string;
  readonly variant: string;
  readonly eventId: string;
  /** Simulated instant of the open: delivery + `delaySeconds`. */
  readonly time: string;
  /** HTTP status of the receipt POST; absent when the push carried no token to post. */
  readonly status?: number;
}

export interface SimulatedConversion {
  readonly userId: string;
  readonly recipe: string;
  readonly variant: string;
  readonly eventId: string;
  /** Simulated instant of the conversion: the open + `delaySeconds` (for a holdout, as if opened). */
  readonly time: string;
  readonly event: ConversionEvent;
}

export interface PlayedUsers {
  readonly opens: SimulatedOpen[];
  readonly conversions: SimulatedConversion[];
}

/**
 * A uniform draw in [0, 1) from the seed and what is drawn for: the same message opens on every
 * run, whatever order the pushes arrived in (a run's delivery order varies with concurrency;
 * one generator stepped in arrival order would not be repeatable).
 */
export const seededDraw = (seed: number, ...key: readonly string[]): number =>
  createHash('sha256')
    .update([String(seed), ...key].join('\u0000'))
    .digest()
    .readUInt32BE(0) / 4_294_967_296;

const rateOf = (rates: Engagement['openRate'], recipe: string, variant: string): number =>
  rates[recipe]?.[variant] ?? 0;

/**
 * Contracts ask more of a conversion event than the user: a sample of the rest, per event type.
 * A conversion event needs a contract (shared/domain/events/contracts.ts) and a bus rule to be
 * counted; one of a type listed nowhere here carries the user field alone.
 */
const conversionSamples: Readonly<Record<string, (key: string) => Record<string, unknown>>> = {
  'market.orders/OrderPlaced': (key) => ({ orderId: `sim-order-${key}`, total: 25, currency: 'EUR' }),
};

const conversionEvent = (
  conversion: NonNullable<Recipe['conversion']>,
  userId: string,
  key: string,
  time: string,
): ConversionEvent => {
  const sample = conversionSamples[`${conversion.source}/${conversion.detailType}`]?.(key) ?? {};
  return {
    source: conversion.source,
    detailType: conversion.detailType,
    detail: { ...sample, [conversion.userField]: userId },
    time,
  };
};

const later = (time: string, seconds: number): string =>
  new Date(Date.parse(time) + seconds * 1000).toISOString();

/** Runs `work` over `items`, at most `limit` at once, keeping the results in order. */
const inPool = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

type Action =
  | {
      readonly kind: 'open';
      readonly time: string;
      readonly open: Omit<SimulatedOpen, 'status'>;
      readonly token?: string;
    }
  | { readonly kind: 'convert'; readonly time: string; readonly conversion: SimulatedConversion };

/**
 * Plays the users of a run: each delivered message (per user, event and recipe: a user with two
 * phones opens it once, on the first to receive it) is opened with probability
 * `openRate[recipe][variant]` (0 when absent), `delaySeconds` after delivery, by POSTing
 * `{"token", "kind": "opened"}` to the receipt endpoint; an opened message converts with
 * `conversionRate[recipe][variant]`, `delaySeconds` after the open, by publishing the recipe's
 * conversion event. A holdout recipient converts at its variant's rate without a push. Actions
 * happen in time order; the clock is moved to each before it happens.
 *
 * @example await playUsers(engagedDeliveries(runtime.simulator.received), scenario.engagement, { receiptEndpoint, publish, clock, recipes })
 */
export const playUsers = async (
  deliveries: readonly EngagedDelivery[],
  engagement: Engagement,
  options: PlayOptions,
): Promise<PlayedUsers> => {
  const { seed, openRate, conversionRate, delaySeconds } = engagement;
  const conversions = new Map(options.recipes.map((recipe) => [recipe.id, recipe.conversion]));
  const actions: Action[] = [];
  const convert = (who: Omit<SimulatedConversion, 'time' | 'event'>, openedAt: string) => {
    const conversion = conversions.get(who.recipe);
    if (!conversion) return;
    const key = [who.recipe, who.eventId, who.userId];
    if (!(seededDraw(seed, 'convert', ...key) < rateOf(conversionRate, who.recipe, who.variant))) return;
    const time = later(openedAt, delaySeconds);
    const orderKey = createHash('sha256').update(key.join('\u0000')).digest('base64url').slice(0, 12);
    actions.push({
      kind: 'convert',
      time,
      conversion: { ...who, time, event: conversionEvent(conversion, who.userId, orderKey, time) },
    });
  };

  const firstOfMessage = new Map<string, number>();
  deliveries.forEach((d, index) => {
    const message = `${d.recipe}\u0000${d.eventId}\u0000${d.userId}`;
    const first = firstOfMessage.get(message);
    if (first === undefined || Date.parse(d.time) < Date.parse(deliveries[first]!.time))
      firstOfMessage.set(message, index);
  });
  for (const index of [...firstOfMessage.values()].sort((a, b) => a - b)) {
    const d = deliveries[index]!;
    if (!(seededDraw(seed, 'open', d.recipe, d.eventId, d.userId) < rateOf(openRate, d.recipe, d.variant)))
      continue;
    const time = later(d.time, delaySeconds);
    const who = { userId: d.userId, recipe: d.recipe, variant: d.variant, eventId: d.eventId };
    actions.push({ kind: 'open', time, open: { delivery: index, ...who, time }, token: d.receiptToken });
    convert(who, time);
  }
  for (const h of options.holdouts ?? []) {
    convert(
      { userId: h.userId, recipe: h.recipe, variant: h.variant, eventId: h.eventId },
      later(h.time, delaySeconds),
    );
  }

  // In time order, opens before the conversions they lead to; equal instants go out together.
  actions.sort(
    (a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.kind === b.kind ? 0 : a.kind === 'open' ? -1 : 1),
  );
  const post = options.fetch ?? fetch;
  const opens: SimulatedOpen[] = [];
  const converted: SimulatedConversion[] = [];
  for (let start = 0; start < actions.length; ) {
    let end = start;
    while (
      end < actions.length &&
      actions[end]!.time === actions[start]!.time &&
      actions[end]!.kind === actions[start]!.kind
    )
      end++;
    const group = actions.slice(start, end);
    options.clock.advanceTo?.(new Date(group[0]!.time));
    await inPool(group, options.concurrency ?? 8, async (action) => {
      if (action.kind === 'convert') {
        await options.publish(action.conversion.event);
        converted.push(action.conversion);
        return;
      }
      if (action.token === undefined) {
        opens.push(action.open);
        return;
      }
      const response = await post(options.receiptEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: action.token, kind: 'opened' }),
      });
      await response.arrayBuffer();
      opens.push({ ...action.open, status: response.status });
    });
    start = end;
  }
  const byTime = <T extends { time: string; userId: string; eventId: string }>(a: T, b: T) =>
    Date.parse(a.time) - Date.parse(b.time) ||
    a.userId.localeCompare(b.userId) ||
    a.eventId.localeCompare(b.eventId);
  return { opens: opens.sort(byTime), conversions: converted.sort(byTime) };
};
