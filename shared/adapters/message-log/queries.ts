import { type MessageRecord, type MessageStep, messageSteps } from '../../domain/engagement/message-log.ts';
import type { StatsQuery, StatsRow, TraceQuery } from '../../domain/engagement/message-log-reader.ts';
import { ValidationError } from '../../domain/errors.ts';

/**
 * The message log's SQL, the one place it lives: DuckDB runs it on the local NDJSON files,
 * Athena on the Glue table over S3. Both read the same columns (`recordColumns`) plus the
 * partition column `day` (YYYY-MM-DD, from the file path). What differs between the dialects is
 * in `SqlDialect`; every value from outside is a bound parameter (`?`), validated first.
 */

/** The columns of a record, in the order of `MessageRecord`; the Glue table and DuckDB's reader use these. */
export const recordColumns = [
  'time',
  'step',
  'scope',
  'variant',
  'eventId',
  'userId',
  'deviceId',
  'jobId',
  'reason',
  'messageId',
  'releaseAt',
] as const satisfies readonly (keyof MessageRecord)[];

/** The partition column: the UTC day of the record's `time`. */
export const dayColumn = 'day';

/** What differs between DuckDB and Athena (Trino). */
export interface SqlDialect {
  /** An ISO 8601 text (`2026-11-21T13:00:00.000Z`, with any offset) as a comparable instant. */
  instant(textExpression: string): string;
  /** `instant` plus `hoursExpression` (an integer expression) hours. */
  plusHours(instantExpression: string, hoursExpression: string): string;
}

export const duckdbDialect: SqlDialect = {
  instant: (text) => `CAST(${text} AS TIMESTAMPTZ)`,
  plusHours: (at, hours) => `(${at} + to_hours(CAST(${hours} AS BIGINT)))`,
};

export const athenaDialect: SqlDialect = {
  instant: (text) => `from_iso8601_timestamp(${text})`,
  plusHours: (at, hours) => `(${at} + ${hours} * INTERVAL '1' HOUR)`,
};

/** Where the records are read from: a table expression with `recordColumns` and `day`. */
export interface MessageLogSource {
  readonly from: string;
  readonly dialect: SqlDialect;
}

/** SQL text with `?` placeholders, and their values in order (all text). */
export interface BoundQuery {
  readonly sql: string;
  readonly params: readonly string[];
}

/** Default conversion window, as the recipe schema's. */
export const defaultWindowHours = 72;
const maxWindowHours = 24 * 90;
const maxTraceRecords = 10_000;

/** Collects parameters as the SQL is written: `p(value)` is the placeholder for `value`. */
const parameters = () => {
  const params: string[] = [];
  const p = (value: string) => {
    params.push(value);
    return 'CAST(? AS VARCHAR)';
  };
  return { params, p };
};

const id = (field: string, value: string): string => {
  // Ids are bound, never spliced; this only keeps nonsense (control characters, megabytes) out.
  if (value.length === 0 || value.length > 256 || /\p{Cc}/u.test(value))
    throw new ValidationError(field, 'expected 1 to 256 printable characters');
  return value;
};

const isoInstant = (field: string, value: string): string => {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(time))
    throw new ValidationError(field, 'expected an ISO 8601 instant such as 2026-11-21T13:00:00Z');
  return new Date(time).toISOString();
};

const windowHours = (scope: string, hours: number): number => {
  if (!Number.isInteger(hours) || hours < 1 || hours > maxWindowHours)
    throw new ValidationError(
      `conversionWindows.${scope}`,
      `expected whole hours from 1 to ${maxWindowHours}`,
    );
  return hours;
};

/** The UTC day of an instant, as the partition column holds it. */
export const dayOf = (instant: string | number): string => new Date(instant).toISOString().slice(0, 10);

const stepOrder = `CASE step ${messageSteps.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/**
 * A user's records in time order (steps of the same instant in pipeline order), at most 10,000.
 *
 * @example traceQuery(source, { userId: 'u1', since: '2026-11-21T00:00:00Z' })
 */
export const traceQuery = (source: MessageLogSource, query: TraceQuery): BoundQuery => {
  const { params, p } = parameters();
  const { instant } = source.dialect;
  const where = [`userId = ${p(id('userId', query.userId))}`];
  if (query.eventId !== undefined) where.push(`eventId = ${p(id('eventId', query.eventId))}`);
  if (query.since !== undefined) {
    const since = isoInstant('since', query.since);
    where.push(`"${dayColumn}" >= ${p(dayOf(since))}`, `${instant('"time"')} >= ${instant(p(since))}`);
  }
  const sql = `SELECT ${recordColumns.map((c) => (c === 'time' ? '"time"' : c)).join(', ')}
FROM ${source.from}
WHERE ${where.join('\n  AND ')}
ORDER BY ${instant('"time"')}, ${stepOrder}, scope, eventId
LIMIT ${maxTraceRecords}`;
  return { sql, params };
};

/**
 * Counts per scope and variant for the messages planned in [from, to): one row per
 * (scope, variant, metric, reason) with its count `n`; `statsRows` folds them into `StatsRow`s.
 *
 * Steps are counted once per message (event, user), so a batch appended twice (a retried
 * worker, a retried PutRecord) counts once. Records are read from the day of `from` to the day
 * of `to` plus the longest conversion window, which bounds what Athena scans.
 */
export const statsQuery = (source: MessageLogSource, query: StatsQuery): BoundQuery => {
  const { params, p } = parameters();
  const { instant, plusHours } = source.dialect;
  const from = isoInstant('from', query.from);
  const to = isoInstant('to', query.to);
  if (from >= to) throw new ValidationError('from', 'expected an instant before `to`');
  const windows = Object.entries(query.conversionWindows ?? {}).map(
    ([scope, hours]) => [id('conversionWindows', scope), windowHours(scope, hours)] as const,
  );
  const longest = Math.max(defaultWindowHours, ...windows.map(([, hours]) => hours));
  const lastDay = dayOf(Date.parse(to) + longest * 3_600_000);
  const windowOf = (scope: string) =>
    windows.length === 0
      ? `${defaultWindowHours}`
      : `CASE ${windows.map(([s, hours]) => `WHEN ${scope} = ${p(s)} THEN ${hours}`).join(' ')} ELSE ${defaultWindowHours} END`;

  // Placeholders are numbered by position, so the text is written in reading order.
  const records = `records AS (
  SELECT step, scope, variant, eventId, userId, coalesce(reason, '') AS reason, ${instant('"time"')} AS happened
  FROM ${source.from}
  WHERE "${dayColumn}" BETWEEN ${p(dayOf(from))} AND ${p(lastDay)}
)`;
  const scopeFilter = query.scope === undefined ? '' : ` AND scope = ${p(id('scope', query.scope))}`;
  const planned = `planned AS (
  SELECT scope, variant, eventId, userId, happened FROM records WHERE step = 'planned'${scopeFilter}
)`;
  const messages = `messages AS (
  SELECT DISTINCT scope, eventId, userId FROM planned
  WHERE happened >= ${instant(p(from))} AND happened < ${instant(p(to))}
)`;
  const steps = `steps AS (
  SELECT r.scope, r.variant, r.step,
    CASE WHEN r.step IN ('suppressed', 'failed') THEN r.reason ELSE '' END AS reason,
    r.eventId || '|' || r.userId AS message
  FROM records r JOIN messages m ON r.scope = m.scope AND r.eventId = m.eventId AND r.userId = m.userId
  WHERE r.step IN ('planned', 'delivered', 'suppressed', 'failed', 'opened', 'clicked', 'dismissed')
)`;
  const conversions = `conversions AS (
  SELECT DISTINCT eventId AS conversionId, userId, happened FROM records WHERE step = 'converted'
)`;
  // Each conversion goes to the user's latest planned message of each scope, at most one.
  const latest = `latest AS (
  SELECT c.conversionId, p.scope, p.variant, p.happened AS plannedAt, c.happened AS convertedAt,
    row_number() OVER (PARTITION BY c.conversionId, c.userId, p.scope ORDER BY p.happened DESC, p.eventId DESC) AS recency
  FROM conversions c JOIN planned p ON p.userId = c.userId AND p.happened <= c.happened
)`;
  const counted = `SELECT scope, variant, step AS metric, reason, count(DISTINCT message) AS n
FROM steps GROUP BY scope, variant, step, reason`;
  const converted = `SELECT scope, variant, 'converted' AS metric, '' AS reason, count(DISTINCT conversionId) AS n
FROM latest
WHERE recency = 1 AND plannedAt >= ${instant(p(from))} AND plannedAt < ${instant(p(to))}
  AND convertedAt < ${plusHours('plannedAt', windowOf('scope'))}
GROUP BY scope, variant`;
  const sql = `WITH ${[records, planned, messages, steps, conversions, latest].join(',\n')}
${counted}
UNION ALL
${converted}
ORDER BY scope, variant, metric, reason`;
  return { sql, params };
};

/** A row as the engines return it: column name to text (or null). */
export type TextRow = Readonly<Record<string, string | null>>;

/** A trace row back as a record; absent fields stay absent. */
export const recordOf = (row: TextRow): MessageRecord => {
  const record: Record<string, string> = {};
  for (const column of recordColumns) {
    // Athena lower-cases column names.
    const value = row[column] ?? row[column.toLowerCase()];
    if (value !== null && value !== undefined && value !== '') record[column] = value;
    else if (column === 'scope' || column === 'variant') record[column] = '';
  }
  return record as unknown as MessageRecord;
};

const counters = ['planned', 'delivered', 'opened', 'clicked', 'dismissed', 'converted'] as const;

/** Folds the (scope, variant, metric, reason, n) rows of `statsQuery` into one row per variant. */
export const statsRows = (rows: readonly TextRow[]): StatsRow[] => {
  const byVariant = new Map<string, Mutable<StatsRow>>();
  for (const row of rows) {
    const scope = row.scope ?? '';
    const variant = row.variant ?? '';
    const key = `${scope}\u0000${variant}`;
    let stats = byVariant.get(key);
    if (!stats) {
      stats = {
        scope,
        variant,
        planned: 0,
        delivered: 0,
        suppressed: {},
        failed: {},
        opened: 0,
        clicked: 0,
        dismissed: 0,
        converted: 0,
      };
      byVariant.set(key, stats);
    }
    const metric = row.metric as MessageStep;
    const n = Number(row.n ?? 0);
    if (metric === 'suppressed' || metric === 'failed') {
      const byReason = stats[metric] as Record<string, number>;
      byReason[row.reason || 'unknown'] = n;
    } else if ((counters as readonly string[]).includes(metric)) {
      stats[metric as (typeof counters)[number]] = n;
    }
  }
  return [...byVariant.values()].sort(
    (a, b) => a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant),
  );
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
