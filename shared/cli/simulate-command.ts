import { readFile } from 'node:fs/promises';
import { ValidationError } from '../domain/errors.ts';
import { LocalEngineError } from '../local/engine-errors.ts';
import type { LocalEngines } from '../local/engines.ts';
import { parseScenario } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';
import { simulationProgress } from './progress.ts';

/**
 * `herald simulate <file>`: the JSON report on stdout; progress and errors on stderr; exit 2 for
 * a bad scenario, 1 when the run itself fails.
 */
export const runSimulateCommand = async (file: string, engines?: LocalEngines): Promise<number> => {
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
  const progress = simulationProgress();
  try {
    const scenario = parseScenario(input);
    console.error(
      `herald simulate: ${scenario.events.length} events, ${engines ? 'connecting to' : 'starting'} the local engines...`,
    );
    const report = await simulate(scenario, engines, { onProgress: progress.update });
    progress.stop();
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof ValidationError) {
      console.error(`herald simulate: invalid scenario at ${error.field}: ${error.reason}`);
      return 2;
    }
    if (error instanceof LocalEngineError) {
      console.error(`herald simulate: ${error.message}`);
      return 1;
    }
    console.error(`herald simulate: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
};
