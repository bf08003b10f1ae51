import type { z } from 'zod';
import type { eventContracts } from '../domain/events/contracts.ts';

type Contract = (typeof eventContracts)[number];

/**
 * An event a publisher may put on Herald's bus, typed from the contracts: the detail's type
 * follows from its source and detail-type, so a missing or ill-typed field fails to compile.
 *
 * @example { source: 'market.items', detailType: 'ItemListed', detail: { itemId: 'i-1', sellerId: 's-1', title: 'Lamp', price: 40, currency: 'EUR' } }
 */
export type PublishableEvent = Contract extends infer C
  ? C extends Contract
    ? {
        readonly source: C['source'];
        readonly detailType: C['detailType'];
        readonly detail: z.input<C['detail']>;
        /** When the event happened; EventBridge stamps the time of receipt when absent. */
        readonly time?: Date;
        readonly resources?: readonly string[];
      }
    : never
  : never;
