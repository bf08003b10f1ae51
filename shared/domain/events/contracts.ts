import { z } from 'zod';
import { ACTION_SOURCE, actionEventDetail } from '../actions/action-event.ts';

/**
 * The published event contract: every event Herald understands, by source and detail-type.
 * Publishers validate against these schemas (or their JSON Schema export); Herald validates
 * every detail again on arrival.
 */
const id = z.string().min(1).max(128);
const money = z.number().nonnegative().finite();
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "EUR"');
const title = z.string().min(1).max(200);

export const itemListed = z.strictObject({ itemId: id, sellerId: id, title, price: money, currency });
export const priceDropped = z
  .strictObject({
    itemId: id,
    sellerId: id,
    title,
    oldPrice: money,
    // JSON Schema cannot compare two fields: the exported schema says it in words.
    newPrice: money.meta({ description: 'below oldPrice' }),
    currency,
  })
  .refine((d) => d.newPrice < d.oldPrice, { path: ['newPrice'], message: 'must be below oldPrice' });
export const offerSent = z.strictObject({
  sellerId: id,
  itemId: id,
  title,
  discountPercent: z.number().gt(0).lte(100),
});
export const userFollowed = z.strictObject({ followerId: id, sellerId: id });
export const userUnfollowed = z.strictObject({ followerId: id, sellerId: id });
export const itemFavorited = z.strictObject({ userId: id, itemId: id, sellerId: id });
export const itemViewed = z.strictObject({ userId: id, itemId: id, sellerId: id });
/** A purchase: the conversion event of the demo recipes' experiments (the buyer in `buyerId`). */
export const orderPlaced = z.strictObject({ orderId: id, buyerId: id, total: money, currency });
/**
 * Herald's own synthetic event: the canary, sent every few minutes, whose push to the canary
 * device measures the whole path. `target` names whom the canary relation points at; it is
 * always `herald`, and may be left out.
 */
export const canaryPing = z.strictObject({
  sentAt: z.iso.datetime({ offset: true }),
  target: z.literal('herald').default('herald'),
});

export interface EventContract {
  readonly source: string;
  readonly detailType: string;
  readonly detail: z.ZodType;
}

/**
 * Kept as literals (`as const`) so a publisher's types follow from these schemas: see
 * `PublishableEvent` in `shared/publisher`.
 */
export const eventContracts = [
  { source: 'market.items', detailType: 'ItemListed', detail: itemListed },
  { source: 'market.items', detailType: 'PriceDropped', detail: priceDropped },
  { source: 'market.offers', detailType: 'OfferSent', detail: offerSent },
  { source: 'market.social', detailType: 'UserFollowed', detail: userFollowed },
  { source: 'market.social', detailType: 'UserUnfollowed', detail: userUnfollowed },
  { source: 'market.social', detailType: 'ItemFavorited', detail: itemFavorited },
  { source: 'market.social', detailType: 'ItemViewed', detail: itemViewed },
  { source: 'market.orders', detailType: 'OrderPlaced', detail: orderPlaced },
  { source: 'herald.canary', detailType: 'CanaryPing', detail: canaryPing },
] as const satisfies readonly EventContract[];

/**
 * The contract of an event: one of the list, or for `herald.actions` (what emit recipes put on
 * the bus, each under the detail-type its recipe chose) the one contract of every action event.
 */
export const findContract = (source: string, detailType: string): EventContract | undefined =>
  (eventContracts as readonly EventContract[]).find(
    (c) => c.source === source && c.detailType === detailType,
  ) ?? (source === ACTION_SOURCE ? { source, detailType, detail: actionEventDetail } : undefined);

/** Every contract as JSON Schema (draft 2020-12), keyed `source/detail-type`, for publishers. */
export const contractsAsJsonSchema = (): Record<string, unknown> =>
  Object.fromEntries(
    eventContracts.map((c) => [`${c.source}/${c.detailType}`, z.toJSONSchema(c.detail, { io: 'input' })]),
  );
