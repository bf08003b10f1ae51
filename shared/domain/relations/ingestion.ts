import { UnknownEventTypeError, ValidationError } from '../errors.ts';
import type { ContractCatalog } from '../events/contract-catalog.ts';
import type { DomainEvent } from '../events/envelope.ts';
import type { RelationChange } from './relation.ts';

/**
 * How one relation event becomes a relation change: the Channel layer. Data, not code: a recipe
 * set declares them in its `channels/` files (channels.ts), and the CDK stack and the local bus
 * build the relation-ingestion rules from them.
 */
export interface RelationRule {
  readonly source: string;
  readonly detailType: string;
  readonly change: 'put' | 'remove';
  readonly relation: string;
  /** Detail field holding the account the relation starts from. */
  readonly fromField: string;
  /** Detail field holding what it points at. */
  readonly toField: string;
  /** Relations that lapse by themselves (browsing) carry a lifetime. */
  readonly ttlDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * How far ahead of Herald's clock a relation event may be stamped. Changes apply in event-time
 * order, so an event dated in the future would win against every real change until that date (a
 * follow stamped 2099 could never be undone). Five minutes covers publishers' clock drift.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Refuses an event stamped too far ahead of `now`, naming `time`; such an event is rejected, not clamped. */
export const checkClockSkew = (time: Date, now: Date, maxSkewMs = MAX_CLOCK_SKEW_MS): void => {
  const ahead = time.getTime() - now.getTime();
  if (ahead > maxSkewMs)
    throw new ValidationError(
      'time',
      `${time.toISOString()} is ${Math.round(ahead / 1000)} s ahead of Herald's clock (${now.toISOString()}); at most ${maxSkewMs / 1000} s is accepted`,
    );
};

/** One end of a relation: a contract may leave the field optional, a relation may not. */
const endOf = (detail: Readonly<Record<string, unknown>>, field: string): string => {
  const value = detail[field];
  if (typeof value !== 'string' || value === '')
    throw new ValidationError(
      `detail.${field}`,
      'expected an id (a non-empty string): it is an end of the relation',
    );
  return value;
};

/** What a relation event is read with: the deployment's relation rules and its contracts. */
export interface RelationFeeds {
  readonly channels: readonly RelationRule[];
  readonly contracts: ContractCatalog;
}

/**
 * Turns a relation event into the change it describes, validating its detail against its
 * contract and its time against Herald's clock (`now`). Throws ValidationError (naming the
 * field) or UnknownEventTypeError.
 */
export const toRelationChange = (event: DomainEvent, now: Date, feeds: RelationFeeds): RelationChange => {
  const rule = feeds.channels.find((r) => r.source === event.source && r.detailType === event.detailType);
  const contract = feeds.contracts.find(event.source, event.detailType);
  if (!rule || !contract) throw new UnknownEventTypeError(event.source, event.detailType);
  const detail = contract.check(event.detail);
  checkClockSkew(event.time, now);
  const from = endOf(detail, rule.fromField);
  const to = endOf(detail, rule.toField);
  if (rule.change === 'remove') return { kind: 'remove', type: rule.relation, from, to, at: event.time };
  const expiresAt = rule.ttlDays ? new Date(event.time.getTime() + rule.ttlDays * DAY_MS) : undefined;
  return { kind: 'put', relation: { type: rule.relation, from, to, since: event.time, expiresAt } };
};
