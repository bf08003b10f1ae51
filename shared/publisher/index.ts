/**
 * `herald/publisher`: what a team needs to publish Herald's events. See README, "Publishing events".
 */
export { contractsAsJsonSchema, eventContracts } from '../domain/events/contracts.ts';
export { businessIdentity } from '../domain/events/identity.ts';
export { MAX_ENTRIES, MAX_REQUEST_ENTRY_BYTES } from '../local/bus/put-events-limits.ts';
export type { PublishableEvent } from './publishable-event.ts';
export {
  type FailedEntry,
  type PublishedEntry,
  Publisher,
  type PublisherOptions,
  type PublishResult,
} from './publisher.ts';
