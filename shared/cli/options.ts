import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { possibleShardCounts } from '../domain/relations/sharding.ts';
import type { LocalEngines } from '../local/engines.ts';

/** `--at`: an ISO 8601 instant with its offset, as scenarios write them. */
export const parseInstant = (value: string): Date => {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(time))
    throw new InvalidArgumentError('expected an ISO 8601 instant such as 2026-11-21T13:00:00Z.');
  return new Date(time);
};

/** A TCP port; 0 lets the system pick a free one. */
export const parseDay = (value: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a day such as 2026-11-21.');
  return value;
};

export const parseUtilisation = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a fraction in (0, 1], such as 0.7.');
  return n;
};

/**
 * `--shards target=count`, repeatable: a hot target of an imported graph and the shards it
 * starts on (4, 16, 64 or 256).
 */
export const parseTargetShards = (value: string, previous: ReadonlyMap<string, number> = new Map()) => {
  const at = value.lastIndexOf('=');
  const target = value.slice(0, at);
  const shards = Number(value.slice(at + 1));
  if (at <= 0) throw new InvalidArgumentError(`"${value}": expected target=count, e.g. seller-42=16`);
  if (!possibleShardCounts.includes(shards) || shards === 1)
    throw new InvalidArgumentError(
      `"${value}": a target starts on ${possibleShardCounts.filter((n) => n > 1).join(', ')} shards`,
    );
  return new Map([...previous, [target, shards]]);
};

export const parsePort = (value: string): number => {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free one).');
  return port;
};

const parseEndpoint = (value: string): string => {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw new InvalidArgumentError('expected an http URL such as http://127.0.0.1:8000.');
  return value;
};

export interface EngineOptions {
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
}

/**
 * `--dynamodb-endpoint` and `--sqs-endpoint`: run on engines that are already running (a test
 * run's shared pair, a long-lived DynamoDB Local) instead of starting fresh ones. Each run
 * creates its own tables and queues under a unique prefix, so runs never see each other's data.
 */
export const addEngineOptions = (command: Command): Command =>
  command
    .addOption(
      new Option('--dynamodb-endpoint <url>', 'use this running DynamoDB Local instead of starting one')
        .env('HERALD_DYNAMODB_ENDPOINT')
        .argParser(parseEndpoint),
    )
    .addOption(
      new Option('--sqs-endpoint <url>', 'use this running SQS engine instead of starting fauxqs')
        .env('HERALD_SQS_ENDPOINT')
        .argParser(parseEndpoint),
    );

/** The running engines the options name, or undefined when Herald should start its own. */
export const runningEngines = (command: Command, options: EngineOptions): LocalEngines | undefined => {
  const { dynamodbEndpoint, sqsEndpoint } = options;
  if (dynamodbEndpoint === undefined && sqsEndpoint === undefined) return undefined;
  if (dynamodbEndpoint === undefined || sqsEndpoint === undefined)
    command.error(
      `error: --dynamodb-endpoint and --sqs-endpoint go together: give both, or neither to start fresh engines`,
      { exitCode: 2 },
    );
  // Engines Herald did not start are not Herald's to stop.
  return { dynamodbEndpoint, sqsEndpoint, stop: async () => undefined };
};

export interface LogOptions {
  readonly data: string;
  readonly aws?: boolean;
  readonly workgroup?: string;
  readonly database?: string;
  readonly table: string;
  readonly json?: boolean;
}

/**
 * Where `trace` and `stats` read the message log: `--data` (the local runtime's data folder,
 * `.herald/data` as `herald start` keeps it), or `--aws` with the Athena workgroup and database
 * the MessageLog construct made.
 */
export const addLogOptions = (command: Command): Command =>
  command
    .addOption(
      new Option('--data <dir>', "the local runtime's data folder")
        .env('HERALD_DATA')
        .default('.herald/data'),
    )
    .addOption(new Option('--aws', 'query the message log on AWS with Athena instead of local files'))
    .addOption(
      new Option('--workgroup <name>', 'with --aws: the Athena workgroup of the message log').env(
        'HERALD_ATHENA_WORKGROUP',
      ),
    )
    .addOption(
      new Option('--database <name>', 'with --aws: the Glue database of the message log').env(
        'HERALD_ATHENA_DATABASE',
      ),
    )
    .addOption(
      new Option('--table <name>', 'with --aws: the Glue table of the message log')
        .env('HERALD_ATHENA_TABLE')
        .default('messages'),
    )
    .addOption(new Option('--json', 'print JSON instead of a table'));

/** The log the options name; `--aws` without its workgroup and database is a usage error. */
export const logLocation = (command: Command, options: LogOptions) => {
  if (!options.aws) return { kind: 'local', dataDir: resolve(options.data) } as const;
  const { workgroup, database, table } = options;
  if (workgroup === undefined || database === undefined)
    command.error(
      'error: --aws needs --workgroup and --database (or HERALD_ATHENA_WORKGROUP, HERALD_ATHENA_DATABASE)',
      {
        exitCode: 2,
      },
    );
  return { kind: 'athena', workgroup, database, table } as const;
};
