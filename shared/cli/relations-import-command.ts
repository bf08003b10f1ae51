import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Presets, SingleBar } from 'cli-progress';
import { documentClient } from '../adapters/dynamodb/document-client.ts';
import { DynamoDbRelationStore } from '../adapters/dynamodb/relation-store.ts';
import { localCredentials, localRegion } from '../local/engines.ts';
import { relationsTable } from '../resources/tables.ts';
import { type ImportFormat, type ImportProgress, importRelations } from '../use-cases/import-relations.ts';
import { readRuntimeFile } from './runtime-file.ts';

export interface RelationsImportOptions {
  readonly format?: ImportFormat;
  readonly aws?: boolean;
  readonly table?: string;
  readonly dynamodbEndpoint?: string;
  readonly concurrency: number;
  /** `--shards`: hot targets new to Herald, and the shard count each starts on. */
  readonly shards?: ReadonlyMap<string, number>;
}

const fail = (message: string, code = 2): number => {
  console.error(`herald relations import: ${message}`);
  return code;
};

/** Progress on stderr: a bar over the file's bytes on a terminal, a plain line every 5 s otherwise. */
const importProgress = (fileBytes: number, stream: NodeJS.WriteStream = process.stderr) => {
  const started = performance.now();
  const rate = (n: number) => Math.round(n / Math.max(0.001, (performance.now() - started) / 1000));
  if (!stream.isTTY) {
    let last = started;
    return {
      update: ({ imported, bad }: ImportProgress) => {
        if (performance.now() - last < 5000) return;
        last = performance.now();
        stream.write(`import: ${imported} relation(s), ${bad} bad line(s), ${rate(imported)}/s\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    {
      stream,
      format: 'import [{bar}] {percentage}% | {imported} relations, {bad} bad | {rate}/s',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, fileBytes), 0, { imported: 0, bad: 0, rate: 0 });
  return {
    update: ({ imported, bad, bytesRead }: ImportProgress) =>
      bar.update(Math.min(bytesRead, fileBytes), { imported, bad, rate: rate(imported) }),
    stop: () => bar.stop(),
  };
};

/**
 * `herald relations import FILE`: loads a relation graph into the local runtime's Relations
 * table (from `.herald/runtime.json`), a DynamoDB Local named by `--dynamodb-endpoint`, or with
 * `--aws` the deployed table. Exit code 1 when any line was bad (the others are imported).
 */
export const runRelationsImportCommand = async (
  file: string,
  options: RelationsImportOptions,
): Promise<number> => {
  const format: ImportFormat = options.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  let table = options.table;
  let endpoint = options.dynamodbEndpoint;
  if (options.aws) {
    if (!table)
      return fail('--aws needs --table (the physical name of the Relations table of the HeraldData stack)');
  } else {
    const running = endpoint === undefined ? await readRuntimeFile() : undefined;
    table ??= running?.tables[relationsTable.id];
    endpoint ??= running?.dynamodbEndpoint;
    if (!table || !endpoint)
      return fail(
        'no local runtime found: run where `herald start` runs (it writes .herald/runtime.json), give --dynamodb-endpoint and --table, or --aws --table',
      );
  }
  const size = await stat(file).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined) return fail(`cannot read ${file}`);

  const client = documentClient(
    options.aws ? {} : { endpoint, region: localRegion, credentials: localCredentials },
  );
  const progress = importProgress(size);
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    const result = await importRelations(lines, format, {
      relations: new DynamoDbRelationStore(client, table),
      concurrency: options.concurrency,
      ...(options.shards ? { layouts: options.shards } : {}),
      now: new Date(),
      onBadLine: ({ line, field, message }) => {
        progress.stop();
        console.error(`${file}:${line}: ${field}: ${message}`);
      },
      onProgress: progress.update,
    });
    progress.stop();
    console.log(
      `imported ${result.imported} relation(s) in ${result.seconds.toFixed(1)} s (${Math.round(result.perSecond)} relations/s)` +
        (result.bad > 0 ? `; ${result.bad} bad line(s) skipped` : ''),
    );
    return result.bad > 0 ? 1 : 0;
  } catch (error) {
    progress.stop();
    return fail(`${(error as Error).message}`, 1);
  } finally {
    client.destroy();
  }
};
