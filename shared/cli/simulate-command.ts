import { readFile } from 'node:fs/promises';
import { problemLine, readRecipeSetFiles } from '../adapters/files/recipe-set-files.ts';
import { ValidationError } from '../domain/errors.ts';
import { canaryRecipe } from '../domain/recipes/canary.ts';
import { recipeSchema } from '../domain/recipes/recipe.ts';
import {
  parseRecipeSet,
  RecipeSetError,
  type RecipeSetFiles,
  type SetProblem,
} from '../domain/recipes/recipe-set.ts';
import { LocalEngineError } from '../local/engine-errors.ts';
import type { LocalEngines } from '../local/engines.ts';
import { parseScenario } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';
import { simulationProgress } from './progress.ts';

/** A recipe set the run cannot use: every problem, by file and path; exit 2, as for a bad scenario. */
const setProblems = (dir: string, problems: readonly SetProblem[]): number => {
  for (const p of problems) console.error(`herald simulate: ${problemLine(dir, p)}`);
  return 2;
};

/**
 * `herald simulate <file>`: the JSON report on stdout; progress and errors on stderr; exit 2 for
 * a bad scenario, 1 when the run itself fails.
 */
export const runSimulateCommand = async (
  file: string,
  engines?: LocalEngines,
  recipesDir?: string,
): Promise<number> => {
  let recipeSet: RecipeSetFiles | undefined;
  if (recipesDir) {
    const read = readRecipeSetFiles(recipesDir);
    if (read.problems.length > 0) return setProblems(recipesDir, read.problems);
    recipeSet = read.files;
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
  const progress = simulationProgress();
  try {
    const scenario = parseScenario(
      input,
      // Only to check the scenario's engagement rates against the set's recipe ids; the run checks the rest.
      recipeSet ? [...parseRecipeSet(recipeSet).set.recipes, recipeSchema.parse(canaryRecipe)] : undefined,
    );
    console.error(
      `herald simulate: ${scenario.events.length} events, ${engines ? 'connecting to' : 'starting'} the local engines...`,
    );
    const report = await simulate(scenario, engines, {
      onProgress: progress.update,
      ...(recipeSet ? { recipeSet } : {}),
    });
    progress.stop();
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } catch (error) {
    progress.stop();
    if (error instanceof RecipeSetError) return setProblems(recipesDir ?? file, error.problems);
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
