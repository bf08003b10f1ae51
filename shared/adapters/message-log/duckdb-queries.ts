import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { MessageLogQueryError } from '../../domain/engagement/errors.ts';
import type { MessageRecord } from '../../domain/engagement/message-log.ts';
import type {
  MessageLogReader,
  StatsQuery,
  StatsRow,
  TraceQuery,
} from '../../domain/engagement/message-log-reader.ts';
import { messagesDir } from './ndjson-message-log.ts';
import {
  type BoundQuery,
  dayColumn,
  duckdbDialect,
  type MessageLogSource,
  recordColumns,
  recordOf,
  statsQuery,
  statsRows,
  type TextRow,
  traceQuery,
} from './queries.ts';

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * DuckDB's view of the local files: `read_json` with an explicit column schema (no sampling,
 * so a field no record has yet is still a column), `day` from the path as text.
 */
export const duckdbSource = (dataDir: string): MessageLogSource => {
  const columns = recordColumns.map((c) => `"${c}": 'VARCHAR'`).join(', ');
  const files = join(messagesDir(dataDir), `${dayColumn}=*`, '*.ndjson');
  return {
    dialect: duckdbDialect,
    from: `read_json(${sqlText(files)}, format = 'newline_delimited', columns = {${columns}}, hive_partitioning = true, hive_types = {'${dayColumn}': 'VARCHAR'})`,
  };
};

/**
 * Answers traces and stats from the local message log with DuckDB, in process. One in-memory
 * database per reader, opened on first use; `close()` releases it.
 */
export class DuckDbMessageLogReader implements MessageLogReader {
  readonly #dataDir: string;
  #connection: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> | undefined;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  async trace(query: TraceQuery): Promise<MessageRecord[]> {
    return (await this.#run(traceQuery(duckdbSource(this.#dataDir), query))).map(recordOf);
  }

  async stats(query: StatsQuery): Promise<StatsRow[]> {
    return statsRows(await this.#run(statsQuery(duckdbSource(this.#dataDir), query)));
  }

  async close(): Promise<void> {
    const opened = this.#connection;
    this.#connection = undefined;
    if (!opened) return;
    const { instance, connection } = await opened;
    connection.closeSync();
    instance.closeSync();
  }

  async #run(query: BoundQuery): Promise<TextRow[]> {
    // read_json refuses a glob that matches nothing: no file yet is an empty log.
    if (!(await this.#hasRecords())) return [];
    this.#connection ??= DuckDBInstance.create(':memory:').then(async (instance) => ({
      instance,
      connection: await instance.connect(),
    }));
    try {
      const { connection } = await this.#connection;
      const reader = await connection.runAndReadAll(query.sql, [...query.params]);
      return reader.getRowObjectsJson() as TextRow[];
    } catch (error) {
      throw new MessageLogQueryError(`DuckDB could not run the query: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async #hasRecords(): Promise<boolean> {
    const root = messagesDir(this.#dataDir);
    const days = await readdir(root).catch(() => [] as string[]);
    for (const day of days.filter((d) => d.startsWith(`${dayColumn}=`))) {
      const files = await readdir(join(root, day)).catch(() => [] as string[]);
      if (files.some((f) => f.endsWith('.ndjson'))) return true;
    }
    return false;
  }
}
