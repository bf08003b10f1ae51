import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InvalidEventError, InvalidEventPatternError, testEventPattern } from '../event-patterns/index.ts';

const usage = 'Usage: herald events test-pattern --pattern <json|@file> --event <json|@file>';

/** `@path` reads a file, as the AWS CLI's `file://` does; anything else is the JSON itself. */
const textOf = async (value: string): Promise<string> =>
  value.startsWith('@') ? readFile(value.slice(1), 'utf8') : value;

/**
 * `herald events test-pattern`: mirrors `aws events test-event-pattern`, printing
 * `{"Result": true|false}`, or the AWS error on stderr with exit code 2.
 */
export const runEventsCommand = async (args: readonly string[]): Promise<number> => {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'test-pattern') {
    console.error(usage);
    return 2;
  }
  let values: { pattern?: string; event?: string };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: { pattern: { type: 'string' }, event: { type: 'string' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!values.pattern || !values.event) {
    console.error(usage);
    return 2;
  }
  try {
    const result = testEventPattern(await textOf(values.pattern), await textOf(values.event));
    console.log(JSON.stringify({ Result: result }));
    return 0;
  } catch (error: unknown) {
    if (error instanceof InvalidEventPatternError) {
      console.error(
        `An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: ${error.message}`,
      );
      return 2;
    }
    if (error instanceof InvalidEventError) {
      console.error(
        `An error occurred (ValidationException) when calling the TestEventPattern operation: ${error.message}`,
      );
      return 2;
    }
    console.error(`herald events test-pattern: ${(error as Error).message}`);
    return 2;
  }
};
