/**
 * The message log: every step of every message, one record each, so that anyone can answer
 * "why didn't this user get it?" and experiments can be read from data. Records carry ids and
 * reasons, never device tokens or message text.
 *
 * Records are appended in batches (a fan-out page, a delivery window, a receipt), never one
 * write per recipient: on AWS a batch is one Amazon Data Firehose record (Firehose bills each
 * record in 5 KB steps), landing in S3 by day for Athena; locally, NDJSON files queried with
 * DuckDB. The queries live in one place (shared/adapters/message-log/queries.ts).
 */
export const messageSteps = [
  /** The recipient is in the audience of the event (or campaign). */
  'planned',
  /** A filter, a cap, dedupe or the holdout stopped it: `reason` says which. */
  'suppressed',
  /** Held for quiet hours until `releaseAt`. */
  'held',
  /** A held push came out of its hold (the caps are checked again then). */
  'released',
  /** Packed into delivery job `jobId`. */
  'packed',
  /** SNS took the push for device `deviceId` (`messageId` is SNS's). */
  'published',
  /** The recipient's terminal outcome: delivered to at least one device. */
  'delivered',
  /** The recipient's terminal failure: `reason` says which. */
  'failed',
  /** Receipts the app reported, with the signed token of the push. */
  'opened',
  'clicked',
  'dismissed',
  /** A conversion event of the user (e.g. an order), attributed to messages at query time. */
  'converted',
] as const;

export type MessageStep = (typeof messageSteps)[number];

export interface MessageRecord {
  /** ISO instant of the step, on Herald's clock. */
  readonly time: string;
  readonly step: MessageStep;
  /** The recipe or campaign. */
  readonly scope: string;
  readonly variant: string;
  /** The triggering event's id (or the campaign run's); with `scope`, names the message. */
  readonly eventId: string;
  readonly userId: string;
  readonly deviceId?: string;
  readonly jobId?: string;
  /** Why, for suppressed and failed (`fatigue.user`, `holdout`, `endpoint-disabled`...). */
  readonly reason?: string;
  /** SNS's message id, on `published`. */
  readonly messageId?: string;
  /** When a held push is released, on `held`. */
  readonly releaseAt?: string;
}

/** Port: where message records go. One call is one batch (one Firehose record on AWS). */
export interface MessageLog {
  append(records: readonly MessageRecord[]): Promise<void>;
}

/** A log that keeps nothing, for functions and tests that do not look at it. */
export const noMessageLog: MessageLog = { append: async () => undefined };
