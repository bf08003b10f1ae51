import { readFile } from 'node:fs/promises';
import { InvalidEventError, InvalidEventPatternError, testEventPattern } from '../event-patterns/index.ts';

/** `@path` reads a file, as the AWS CLI's `file://` does; anything else is the JSON itself. */
const textOf = async (value: string): Promise<string> =>
  value.startsWith('@') ? readFile(value.slice(1), 'utf8') : value;

/**
 * `herald events test-pattern`: mirrors `aws events test-event-pattern`, printing
 * `{"Result": true|false}`, or the AWS error on stderr with exit code 2.
 */
export const runTestPatternCommand = async (options: { pattern: string; event: string }): Promise<number> => {
  try {
    const result = testEventPattern(await textOf(options.pattern), await textOf(options.event));
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
