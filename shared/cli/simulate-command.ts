import { readFile } from 'node:fs/promises';
import { ValidationError } from '../domain/errors.ts';
import { parseScenario } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';

/** `herald simulate <file>`: the JSON report on stdout, errors on stderr, exit 2 for a bad scenario. */
export const runSimulateCommand = async (args: readonly string[]): Promise<number> => {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error('Usage: herald simulate <scenario.json>');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`herald simulate: cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    console.error(`herald simulate: ${file} is not valid JSON: ${(error as Error).message}`);
    return 2;
  }
  try {
    const scenario = parseScenario(input);
    console.error(`herald simulate: ${scenario.events.length} events, starting the local engines...`);
    const report = await simulate(scenario);
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) {
      console.error(`herald simulate: invalid scenario at ${error.field}: ${error.reason}`);
      return 2;
    }
    console.error(`herald simulate: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
};
