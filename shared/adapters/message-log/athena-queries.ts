import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type Row,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { MessageLogQueryError } from '../../domain/engagement/errors.ts';
import type { MessageRecord } from '../../domain/engagement/message-log.ts';
import type {
  MessageLogReader,
  StatsQuery,
  StatsRow,
  TraceQuery,
} from '../../domain/engagement/message-log-reader.ts';
import { ValidationError } from '../../domain/errors.ts';
import { retryingClientConfig } from '../client-config.ts';
import {
  athenaDialect,
  type BoundQuery,
  type MessageLogSource,
  recordOf,
  statsQuery,
  statsRows,
  type TextRow,
  traceQuery,
} from './queries.ts';

export interface AthenaLogOptions {
  /** The workgroup with the enforced result location and encryption (MessageLog construct). */
  readonly workgroup: string;
  readonly database: string;
  /** Default `messages`. */
  readonly table?: string;
  readonly client?: AthenaClient;
  /** Between two GetQueryExecution polls; default 500 ms. */
  readonly pollMs?: number;
  /** Give up after this long; default 5 minutes. */
  readonly timeoutMs?: number;
}

const glueName = (field: string, name: string) => {
  if (!/^[a-z0-9_]{1,255}$/.test(name))
    throw new ValidationError(field, 'expected a Glue name: lower-case letters, digits and _');
  return name;
};

/** The Glue table of the message log, as a query source. */
export const athenaSource = (database: string, table = 'messages'): MessageLogSource => ({
  dialect: athenaDialect,
  from: `"${glueName('database', database)}"."${glueName('table', table)}"`,
});

/** A text value as an Athena execution parameter: a SQL string literal. */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Answers traces and stats from the message log on S3 with Athena: starts the query in the
 * workgroup (which fixes where results go and how they are encrypted), polls until it ends and
 * reads every page of results.
 */
export class AthenaMessageLogReader implements MessageLogReader {
  readonly #options: AthenaLogOptions;
  readonly #client: AthenaClient;
  readonly #source: MessageLogSource;

  constructor(options: AthenaLogOptions) {
    this.#options = options;
    this.#client = options.client ?? new AthenaClient(retryingClientConfig);
    this.#source = athenaSource(options.database, options.table);
  }

  async trace(query: TraceQuery): Promise<MessageRecord[]> {
    return (await this.#run(traceQuery(this.#source, query))).map(recordOf);
  }

  async stats(query: StatsQuery): Promise<StatsRow[]> {
    return statsRows(await this.#run(statsQuery(this.#source, query)));
  }

  async #run(query: BoundQuery): Promise<TextRow[]> {
    const { workgroup, database } = this.#options;
    const started = await this.#client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: workgroup,
        QueryExecutionContext: { Database: database },
        ...(query.params.length > 0 ? { ExecutionParameters: query.params.map(literal) } : {}),
      }),
    );
    const queryId = started.QueryExecutionId;
    if (!queryId) throw new MessageLogQueryError('Athena started no query execution');
    await this.#finished(queryId);
    return this.#results(queryId);
  }

  async #finished(queryId: string): Promise<void> {
    const deadline = Date.now() + (this.#options.timeoutMs ?? 300_000);
    for (;;) {
      const { QueryExecution } = await this.#client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
      );
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED')
        throw new MessageLogQueryError(
          `Athena query ${queryId} ${state.toLowerCase()}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`,
        );
      if (Date.now() > deadline) throw new MessageLogQueryError(`Athena query ${queryId} is still ${state}`);
      await new Promise((r) => setTimeout(r, this.#options.pollMs ?? 500));
    }
  }

  async #results(queryId: string): Promise<TextRow[]> {
    const rows: TextRow[] = [];
    let columns: string[] | undefined;
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      const cells = (row: Row) => (row.Data ?? []).map((d) => d.VarCharValue ?? null);
      let pageRows = page.ResultSet?.Rows ?? [];
      if (!columns) {
        columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '') ?? [];
        // The first page starts with the header row.
        pageRows = pageRows.slice(1);
      }
      for (const row of pageRows) {
        const values = cells(row);
        rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null])));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}
