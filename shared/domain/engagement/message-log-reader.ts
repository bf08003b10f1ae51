import type { MessageRecord } from './message-log.ts';

/** One user's records, in time order: "why did (or didn't) this user get it?". */
export interface TraceQuery {
  readonly userId: string;
  /** Only the message of this event. */
  readonly eventId?: string;
  /** ISO instant: only records from then on (and, on Athena, only the days from then on are read). */
  readonly since?: string;
}

/**
 * The messages planned in [from, to) and everything that happened to them. Conversions are
 * attributed to the user's latest planned message of each scope when they fall within that
 * scope's window after it (holdout users included, whose message is `suppressed: holdout`).
 */
export interface StatsQuery {
  /** One recipe or campaign; absent: every scope. */
  readonly scope?: string;
  /** ISO instants. */
  readonly from: string;
  readonly to: string;
  /** Conversion window in hours by scope (the recipes' `conversion.windowHours`); default 72. */
  readonly conversionWindows?: Readonly<Record<string, number>>;
}

/** The outcome of one variant of one recipe or campaign. Counts are distinct messages (event, user). */
export interface StatsRow {
  readonly scope: string;
  readonly variant: string;
  readonly planned: number;
  readonly delivered: number;
  /** By reason: `{ holdout: 120, 'fatigue.user': 3 }`. */
  readonly suppressed: Readonly<Record<string, number>>;
  readonly failed: Readonly<Record<string, number>>;
  readonly opened: number;
  readonly clicked: number;
  readonly dismissed: number;
  /** Conversion events attributed to this variant's messages. */
  readonly converted: number;
}

/** Port: questions about single users and messages, answered from the log (DuckDB locally, Athena on AWS). */
export interface MessageLogReader {
  trace(query: TraceQuery): Promise<MessageRecord[]>;
  stats(query: StatsQuery): Promise<StatsRow[]>;
}

/** Opened over delivered, 0 when nothing was delivered. */
export const openRate = (row: StatsRow): number => (row.delivered === 0 ? 0 : row.opened / row.delivered);

/** Converted over planned (holdout included: the holdout's rate is the baseline of the lift). */
export const conversionRate = (row: StatsRow): number =>
  row.planned === 0 ? 0 : row.converted / row.planned;

/** Sum of counts by reason. */
export const total = (byReason: Readonly<Record<string, number>>): number =>
  Object.values(byReason).reduce((a, b) => a + b, 0);
