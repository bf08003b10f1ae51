import type { Command } from 'commander';
import { problemLine as line, readRecipeSetFiles } from '../adapters/files/recipe-set-files.ts';
import { defaultPolicy } from '../domain/fatigue/policy.ts';
import type { SetProblem } from '../domain/recipes/recipe-set.ts';
import { checkRecipeSetFiles } from '../domain/recipes/recipe-set-catalog.ts';

/** What `herald recipes check --json` prints. */
export interface RecipesCheckReport {
  readonly dir: string;
  readonly ok: boolean;
  readonly contracts: number;
  readonly recipes: number;
  readonly channels: number;
  readonly problems: readonly SetProblem[];
  readonly warnings: readonly SetProblem[];
}

/**
 * `herald recipes check <dir>`: reads a recipe set and checks it as a whole (README, "Recipe
 * sets"). Problems name the file and the JSON path in it; exit 1 when there is any, 2 when the
 * folder cannot be read at all.
 */
export const runRecipesCheckCommand = (dir: string, options: { readonly json?: boolean }): number => {
  const read = readRecipeSetFiles(dir);
  const checked = checkRecipeSetFiles(read.files, defaultPolicy);
  const problems = [...read.problems, ...checked.problems];
  const report: RecipesCheckReport = {
    dir,
    ok: problems.length === 0,
    contracts: checked.set.contracts.length,
    recipes: checked.set.recipes.length,
    channels: checked.set.channels.length,
    problems,
    warnings: checked.warnings,
  };
  const unreadable = read.problems.some((p) => p.file === dir);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const warning of report.warnings) console.error(`warning: ${line(dir, warning)}`);
    for (const problem of problems) console.error(`error: ${line(dir, problem)}`);
    const counts = `${report.contracts} contract(s), ${report.recipes} recipe(s), ${report.channels} channel(s)`;
    if (report.ok) console.log(`${dir}: ${counts}: ok`);
    else console.error(`herald recipes check: ${dir}: ${problems.length} problem(s) (${counts} read)`);
  }
  if (unreadable) return 2;
  return report.ok ? 0 : 1;
};

/** `herald recipes ...`: the recipe set tools. */
export const addRecipesCommands = (program: Command, exit: (code: number) => void): void => {
  program
    .command('recipes')
    .description('Recipe set tools (README, "Recipe sets")')
    .command('check')
    .description(
      'Check a recipe set as a whole: contracts, recipes, channels and policy; every problem names its file and JSON path',
    )
    .argument(
      '<dir>',
      'the set: contracts/<source>/<DetailType>.json, recipes/*.yaml, channels/*.yaml, policy.yaml',
    )
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText('after', '\nExit codes: 0 the set is sound, 1 it has problems, 2 the folder cannot be read.')
    .action((dir: string, options: { json?: boolean }) => {
      exit(runRecipesCheckCommand(dir, options));
    });
};
