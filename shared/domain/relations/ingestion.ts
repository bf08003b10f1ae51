import { UnknownEventTypeError, ValidationError } from '../errors.ts';
import { findContract } from '../events/contracts.ts';
import type { DomainEvent } from '../events/envelope.ts';
import { parseOrThrow } from '../validation.ts';
import type { RelationChange } from './relation.ts';

/**
 * How relation events become relation changes. Data, not code: the CDK stack and the local bus
 * build the relation-ingestion rules from this table.
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

export const relationRules: readonly RelationRule[] = [
  {
    source: 'market.social',
    detailType: 'UserFollowed',
    change: 'put',
    relation: 'follow',
    fromField: 'followerId',
    toField: 'sellerId',
  },
  {
    source: 'market.social',
    detailType: 'UserUnfollowed',
    change: 'remove',
    relation: 'follow',
    fromField: 'followerId',
    toField: 'sellerId',
  },
  {
    source: 'market.social',
    detailType: 'ItemFavorited',
    change: 'put',
    relation: 'favorite',
    fromField: 'userId',
    toField: 'itemId',
  },
  {
    source: 'market.social',
    detailType: 'ItemViewed',
    change: 'put',
    relation: 'browse',
    fromField: 'userId',
    toField: 'itemId',
    ttlDays: 30,
  },
];

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

/**
 * Turns a relation event into the change it describes, validating its detail against the
 * published contract and its time against Herald's clock (`now`). Throws ValidationError (naming
 * the field) or UnknownEventTypeError.
 */
export const toRelationChange = (event: DomainEvent, now: Date, rules = relationRules): RelationChange => {
  const rule = rules.find((r) => r.source === event.source && r.detailType === event.detailType);
  const contract = findContract(event.source, event.detailType);
  if (!rule || !contract) throw new UnknownEventTypeError(event.source, event.detailType);
  const detail = parseOrThrow(contract.detail, event.detail, 'detail') as Record<string, string>;
  checkClockSkew(event.time, now);
  const from = detail[rule.fromField]!;
  const to = detail[rule.toField]!;
  if (rule.change === 'remove') return { kind: 'remove', type: rule.relation, from, to, at: event.time };
  const expiresAt = rule.ttlDays ? new Date(event.time.getTime() + rule.ttlDays * DAY_MS) : undefined;
  return { kind: 'put', relation: { type: rule.relation, from, to, since: event.time, expiresAt } };
};
