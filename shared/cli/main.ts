import { logger } from '../observability/logger.ts';
import { runEventsCommand } from './events-command.ts';
import { runSimulateCommand } from './simulate-command.ts';
import { runStartCommand } from './start-command.ts';

const usage = `Usage: herald <command>

Commands:
  start                         Start the local runtime with the demo data, keep it running (Ctrl-C stops it)
  simulate <scenario.json>      Run a scenario on a fresh local runtime; print a JSON report
  events test-pattern --pattern <json|@file> --event <json|@file>
                                Test an EventBridge event pattern against an event, like
                                'aws events test-event-pattern'
  contracts                     Print the published event contracts as JSON Schema
  help                          Show this help`;

/** Exit codes: 0 success, 1 failure while running, 2 bad usage or bad input. */
export const main = async (args: readonly string[]): Promise<number> => {
  // Warnings and errors go to stderr; info lines would mix with reports on stdout.
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  const [command, ...rest] = args;
  switch (command) {
    case 'start':
      return runStartCommand();
    case 'simulate':
      return runSimulateCommand(rest);
    case 'events':
      return runEventsCommand(rest);
    case 'contracts': {
      const { contractsAsJsonSchema } = await import('../domain/events/contracts.ts');
      console.log(JSON.stringify(contractsAsJsonSchema(), null, 2));
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return 0;
    default:
      console.error(command ? `herald: unknown command "${command}"\n\n${usage}` : usage);
      return 2;
  }
};
