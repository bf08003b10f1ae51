import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CostDimension, costDimensions } from '../domain/costs/cost-report.ts';
import { type PricedRegion, pricedRegions } from '../domain/costs/price-table.ts';
import { logger } from '../observability/logger.ts';
import { addCampaignCommands } from './campaign-command.ts';
import { runCostsCommand } from './costs-command.ts';
import { runTestPatternCommand } from './events-command.ts';
import { runStatsCommand, runTraceCommand } from './message-log-commands.ts';
import {
  addEngineOptions,
  addLogOptions,
  type EngineOptions,
  type LogOptions,
  logLocation,
  parseDay,
  parseInstant,
  parsePort,
  parseTargetShards,
  parseUtilisation,
  runningEngines,
} from './options.ts';
import { addRecipesCommands } from './recipes-command.ts';
import { type RelationsImportOptions, runRelationsImportCommand } from './relations-import-command.ts';
import { runSimulateCommand } from './simulate-command.ts';
import { runStartCommand } from './start-command.ts';

/**
 * The `herald` command tree. Each action stores its exit code through `exit`: commander's own
 * `process.exit` is overridden so that stdout is flushed and codes stay in one place.
 */
const heraldProgram = (exit: (code: number) => void): Command => {
  const program = new Command('herald')
    .description('Herald on one machine: the local runtime, offline simulations, campaigns and event tools.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  program.addHelpText('after', '\nExit codes: 0 success, 1 failure while running, 2 bad usage or bad input.');

  addEngineOptions(
    program
      .command('start')
      .description('Start the local runtime with the demo marketplace and keep it running (Ctrl-C stops it)')
      .addOption(
        new Option(
          '--at <instant>',
          "start the runtime's clock at this ISO 8601 instant; it then advances in real time (default: now)",
        )
          .env('HERALD_AT')
          .argParser(parseInstant),
      )
      .addOption(
        new Option('--bus-port <port>', 'port of the PutEvents endpoint (0 picks a free one)')
          .env('HERALD_BUS_PORT')
          .default(0)
          .argParser(parsePort),
      )
      .option('--metrics', 'write the EMF metric documents the handlers emit to stderr, one JSON line each'),
  ).action(
    async (options: EngineOptions & { at?: Date; busPort: number; metrics?: boolean }, command: Command) => {
      const engines = runningEngines(command, options);
      exit(
        await runStartCommand({
          busPort: options.busPort,
          ...(options.metrics ? { metrics: true } : {}),
          ...(options.at ? { at: options.at } : {}),
          ...(engines ? { engines } : {}),
        }),
      );
    },
  );

  addEngineOptions(
    program
      .command('simulate')
      .description('Run a scenario on a fresh local runtime and print a JSON report on stdout')
      .argument('<scenario>', 'scenario file (JSON); see README, "Scenario format"')
      .option(
        '--recipes <dir>',
        'run this recipe set (README, "Recipe sets") instead of the marketplace one',
      ),
  ).action(async (file: string, options: EngineOptions & { recipes?: string }, command: Command) => {
    exit(await runSimulateCommand(file, runningEngines(command, options), options.recipes));
  });

  addRecipesCommands(program, exit);

  program
    .command('costs')
    .description(
      'What the pushes cost, from the usage counters of the local runtime (or, with --aws, the deployed tables)',
    )
    .addOption(new Option('--from <day>', 'first day (UTC), YYYY-MM-DD').argParser(parseDay))
    .addOption(new Option('--to <day>', 'last day (UTC), YYYY-MM-DD').argParser(parseDay))
    .addOption(new Option('--by <dimension>', 'rows by').choices(costDimensions).default('business'))
    .option('--csv', 'print CSV for spreadsheets')
    .option('--html <file>', 'write an HTML report with charts, which works offline')
    .option('--aws', 'read the deployed tables (AWS credentials and region from the environment)')
    .addOption(
      new Option('--outcomes-table <name>', "the outcomes table (default: the running local runtime's)").env(
        'HERALD_OUTCOMES_TABLE',
      ),
    )
    .addOption(
      new Option('--dynamodb-endpoint <url>', 'DynamoDB Local of the runtime').env(
        'HERALD_DYNAMODB_ENDPOINT',
      ),
    )
    .addOption(new Option('--region <region>', 'price table').choices(pricedRegions).default('us-east-1'))
    .addOption(
      new Option(
        '--provisioned <utilisation>',
        'price DynamoDB as provisioned capacity used at this utilisation (0..1]; default on-demand',
      ).argParser(parseUtilisation),
    )
    .action(
      async (options: {
        from?: string;
        to?: string;
        by: CostDimension;
        csv?: boolean;
        html?: string;
        aws?: boolean;
        outcomesTable?: string;
        dynamodbEndpoint?: string;
        region: PricedRegion;
        provisioned?: number;
      }) => {
        exit(
          await runCostsCommand({
            ...options,
            pricing: {
              region: options.region,
              capacity:
                options.provisioned === undefined
                  ? { mode: 'on-demand' }
                  : { mode: 'provisioned', utilisation: options.provisioned },
            },
          }),
        );
      },
    );

  const events = program.command('events').description('EventBridge tools that need no AWS account');
  events
    .command('test-pattern')
    .description("Test an event pattern against an event, like 'aws events test-event-pattern'")
    .requiredOption('--pattern <json|@file>', 'the event pattern, as JSON or @file')
    .requiredOption('--event <json|@file>', 'the event, as JSON or @file')
    .action(async (options: { pattern: string; event: string }) => {
      exit(await runTestPatternCommand(options));
    });

  addLogOptions(
    program
      .command('trace')
      .description("Print a user's messages step by step, with reasons, from the message log")
      .requiredOption('--user <id>', 'the user whose messages to trace')
      .option('--event <id>', "only the message of this event (the triggering event's id)")
      .addOption(
        new Option('--since <instant>', 'only records from this ISO 8601 instant on').argParser(parseInstant),
      ),
  ).action(async (options: LogOptions & { user: string; event?: string; since?: Date }, command: Command) => {
    exit(await runTraceCommand(options, logLocation(command, options)));
  });

  addLogOptions(
    program
      .command('stats')
      .description(
        'Print per recipe and variant: planned, delivered, suppressed and failed by reason, opened, open rate, conversions',
      )
      .option('--recipe <id>', 'only this recipe (or campaign)')
      .addOption(
        new Option(
          '--from <instant>',
          'messages planned from this ISO 8601 instant (default: 7 days before --to)',
        ).argParser(parseInstant),
      )
      .addOption(
        new Option(
          '--to <instant>',
          'messages planned before this ISO 8601 instant (default: now)',
        ).argParser(parseInstant),
      ),
  ).action(async (options: LogOptions & { recipe?: string; from?: Date; to?: Date }, command: Command) => {
    exit(await runStatsCommand(options, logLocation(command, options)));
  });

  program
    .command('relations')
    .description('Relation graph tools')
    .command('import')
    .description(
      'Import relations from an NDJSON or CSV file into the local runtime (or --dynamodb-endpoint, or --aws), batched and in parallel',
    )
    .argument(
      '<file>',
      'NDJSON lines {"type","from","to","since"?,"expiresAt"?}, or CSV with a header type,from,to,since,expiresAt',
    )
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['ndjson', 'csv']),
    )
    .option('--aws', 'write the deployed table (AWS credentials and region from the environment)')
    .addOption(
      new Option('--table <name>', "the relations table (default: the running local runtime's)").env(
        'HERALD_RELATIONS_TABLE',
      ),
    )
    .addOption(
      new Option('--dynamodb-endpoint <url>', 'DynamoDB Local to write to').env('HERALD_DYNAMODB_ENDPOINT'),
    )
    .addOption(
      new Option('--concurrency <n>', 'batches of 25 in flight at once').default(16).argParser((value) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 256)
          throw new InvalidArgumentError('a whole number from 1 to 256');
        return n;
      }),
    )
    .option(
      '--shards <target=count>',
      'a hot target that is new to Herald starts on this many shards (4, 16, 64, 256); repeatable',
      parseTargetShards,
    )
    .action(async (file: string, options: RelationsImportOptions) => {
      exit(await runRelationsImportCommand(file, options));
    });

  addCampaignCommands(program, exit);

  program
    .command('contracts')
    .description('Print the published event contracts as JSON Schema')
    .action(async () => {
      const { contractsAsJsonSchema } = await import('../domain/events/contracts.ts');
      console.log(JSON.stringify(contractsAsJsonSchema(), null, 2));
      exit(0);
    });
  return program;
};

/** Runs `herald` with `args`; resolves to the exit code (0 success, 1 failure, 2 bad usage or input). */
export const main = async (args: readonly string[]): Promise<number> => {
  // stdout carries reports and summaries; every log line goes to stderr.
  logger.writeToStderr();
  // Info lines are for Lambda; on a terminal only warnings and errors are worth reading.
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  let code = 0;
  try {
    await heraldProgram((c) => (code = c)).parseAsync([...args], { from: 'user' });
    return code;
  } catch (error) {
    // Help asked for exits 0 (commander's code); help shown for a missing command, like every
    // usage error, exits 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // A bug rather than a machine or input problem: the stack is what a report needs.
    console.error(`herald: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
};
