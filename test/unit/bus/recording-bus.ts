import type { Server } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { systemClock } from '../../../shared/domain/clock.ts';
import { defaultCatalog } from '../../../shared/domain/recipes/default-catalog.ts';
import { busRules } from '../../../shared/domain/routing/bus-rules.ts';
import { LocalEventBus } from '../../../shared/local/bus/local-bus.ts';
import { type PutEventsServerOptions, servePutEvents } from '../../../shared/local/bus/put-events-server.ts';
import { localCredentials, localRegion } from '../../../shared/local/engines.ts';

export const busName = 'herald-local';

/** What one rule handed its target. */
export interface Delivery {
  readonly rule: string;
  readonly input: { readonly event?: { readonly source?: string }; readonly reason?: string };
}

/**
 * The local bus with the default catalog's rules, behind its PutEvents endpoint, whose targets
 * only record what they receive; `hold` keeps every delivery pending until released.
 */
export const startRecordingBus = async (options: PutEventsServerOptions & { hold?: Promise<void> } = {}) => {
  const deliveries: Delivery[] = [];
  const bus = new LocalEventBus(
    busRules(defaultCatalog()).map((rule) => ({
      rule,
      deliver: async (input: unknown) => {
        await options.hold;
        deliveries.push({ rule: rule.name, input: input as Delivery['input'] });
      },
    })),
    { busName, clock: systemClock, onUndeliverable: async () => {} },
  );
  const { endpoint, server } = await servePutEvents(bus, options);
  return {
    bus,
    endpoint,
    deliveries,
    client: (config: ConstructorParameters<typeof EventBridgeClient>[0] = {}) =>
      new EventBridgeClient({ endpoint, region: localRegion, credentials: localCredentials, ...config }),
    stop: () => new Promise<void>((resolve) => (server as Server).close(() => resolve())),
  };
};

/** Posts a raw PutEvents body, as a client that does not go through the SDK could. */
export const postRaw = async (endpoint: string, body: string) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export const followed = (followerId: string) => ({
  Source: 'market.social',
  DetailType: 'UserFollowed',
  Detail: JSON.stringify({ followerId, sellerId: 'seller-1' }),
});
