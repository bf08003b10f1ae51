import { relative } from 'node:path';
import type { MessageRecord } from '../domain/engagement/message-log.ts';
import {
  conversionRate,
  type MessageLogReader,
  openRate,
  type StatsRow,
  total,
} from '../domain/engagement/message-log-reader.ts';
import { HeraldError, ValidationError } from '../domain/errors.ts';
import { defaultCatalog } from '../domain/recipes/default-catalog.ts';

/** Where `herald trace` and `herald stats` read: the local data folder, or Athena. */
export type LogLocation =
  | { readonly kind: 'local'; readonly dataDir: string }
  | {
      readonly kind: 'athena';
      readonly workgroup: string;
      readonly database: string;
      readonly table: string;
    };

export interface TraceOptions {
  readonly user: string;
  readonly event?: string;
  readonly since?: Date;
  readonly json?: boolean;
}

export interface StatsOptions {
  readonly recipe?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly json?: boolean;
}

const openReader = async (
  location: LogLocation,
): Promise<{ reader: MessageLogReader; close: () => Promise<void> }> => {
  if (location.kind === 'local') {
    const { DuckDbMessageLogReader } = await import('../adapters/message-log/duckdb-queries.ts');
    const reader = new DuckDbMessageLogReader(location.dataDir);
    return { reader, close: () => reader.close() };
  }
  const { AthenaMessageLogReader } = await import('../adapters/message-log/athena-queries.ts');
  const reader = new AthenaMessageLogReader(location);
  return { reader, close: async () => undefined };
};

/** Columns padded to their widest cell; the last column is not padded. */
export const formatTable = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** What else a step says: why, which job, device, SNS message, until when. */
const detailOf = (r: MessageRecord): string =>
  [
    r.reason,
    r.jobId && `job ${r.jobId}`,
    r.deviceId && `device ${r.deviceId}`,
    r.messageId && `sns ${r.messageId}`,
    r.releaseAt && `until ${r.releaseAt}`,
  ]
    .filter(Boolean)
    .join(', ');

/** A user's trace as a table: one line per step. */
export const formatTrace = (userId: string, records: readonly MessageRecord[]): string => {
  if (records.length === 0) return `No message log records for user ${userId}.`;
  const rows = records.map((r) => [
    r.time,
    r.step,
    r.step === 'converted' ? '(conversion)' : r.scope,
    r.variant || '-',
    r.eventId,
    detailOf(r),
  ]);
  return `Messages of user ${userId}:\n${formatTable([['TIME', 'STEP', 'RECIPE', 'VARIANT', 'EVENT', 'DETAIL'], ...rows])}`;
};

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const byReason = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');

/** Stats as a table per recipe and variant, then the reasons of suppressions and failures. */
export const formatStats = (rows: readonly StatsRow[], from: Date, to: Date): string => {
  const range = `from ${from.toISOString()} to ${to.toISOString()}`;
  if (rows.length === 0) return `No messages planned ${range}.`;
  const table = formatTable([
    [
      'RECIPE',
      'VARIANT',
      'PLANNED',
      'DELIVERED',
      'SUPPRESSED',
      'FAILED',
      'OPENED',
      'OPEN RATE',
      'CONVERTED',
      'CONV RATE',
    ],
    ...rows.map((r) => [
      r.scope,
      r.variant,
      String(r.planned),
      String(r.delivered),
      String(total(r.suppressed)),
      String(total(r.failed)),
      String(r.opened),
      percent(openRate(r)),
      String(r.converted),
      percent(conversionRate(r)),
    ]),
  ]);
  const reasons = rows.flatMap((r) =>
    [
      total(r.suppressed) > 0 ? `  ${r.scope} ${r.variant} suppressed: ${byReason(r.suppressed)}` : '',
      total(r.failed) > 0 ? `  ${r.scope} ${r.variant} failed: ${byReason(r.failed)}` : '',
    ].filter(Boolean),
  );
  return [`Messages planned ${range}:`, table, ...(reasons.length ? ['', 'Reasons:', ...reasons] : [])].join(
    '\n',
  );
};

const where = (location: LogLocation) =>
  location.kind === 'local'
    ? `the message log in ${relative(process.cwd(), location.dataDir) || '.'}`
    : `Athena (workgroup ${location.workgroup}, table ${location.database}.${location.table})`;

/** Runs a question to the log; bad input exits 2, a failing engine 1. */
const answering = async (
  command: string,
  location: LogLocation,
  ask: (reader: MessageLogReader) => Promise<void>,
) => {
  const { reader, close } = await openReader(location);
  try {
    await ask(reader);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      console.error(`herald ${command}: ${error.message}`);
      return 2;
    }
    if (error instanceof HeraldError) {
      console.error(`herald ${command}: could not read ${where(location)}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await close();
  }
};

/** `herald trace`: a user's messages step by step, with reasons. */
export const runTraceCommand = (options: TraceOptions, location: LogLocation): Promise<number> =>
  answering('trace', location, async (reader) => {
    const records = await reader.trace({
      userId: options.user,
      ...(options.event ? { eventId: options.event } : {}),
      ...(options.since ? { since: options.since.toISOString() } : {}),
    });
    console.log(options.json ? JSON.stringify(records, null, 2) : formatTrace(options.user, records));
  });

const day = 86_400_000;

/** `herald stats`: per recipe and variant, for the messages planned in the range (default: the last 7 days). */
export const runStatsCommand = (
  options: StatsOptions,
  location: LogLocation,
  now = new Date(),
): Promise<number> =>
  answering('stats', location, async (reader) => {
    const to = options.to ?? now;
    const from = options.from ?? new Date(to.getTime() - 7 * day);
    // Conversion windows are the recipes' own.
    const conversionWindows = Object.fromEntries(
      defaultCatalog().recipes.flatMap((r) => (r.conversion ? [[r.id, r.conversion.windowHours]] : [])),
    );
    const rows = await reader.stats({
      ...(options.recipe ? { scope: options.recipe } : {}),
      from: from.toISOString(),
      to: to.toISOString(),
      conversionWindows,
    });
    console.log(options.json ? JSON.stringify(rows, null, 2) : formatStats(rows, from, to));
  });
