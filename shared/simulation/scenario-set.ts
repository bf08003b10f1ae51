import { contractKey } from '../domain/events/contract-catalog.ts';
import type { FatiguePolicy } from '../domain/fatigue/policy.ts';
import { marketplaceSetFiles } from '../domain/recipes/default-catalog.ts';
import type { RecipeCatalog } from '../domain/recipes/recipe.ts';
import type { RecipeSetFiles } from '../domain/recipes/recipe-set.ts';
import { recipeSetCatalog } from '../domain/recipes/recipe-set-catalog.ts';
import type { Scenario } from './scenario.ts';

/**
 * The recipe set a scenario runs: `files` (the marketplace's unless `--recipes DIR`), with the
 * scenario's `contracts` and `recipes` each replacing the set's of the same event or id, checked
 * as one set (README, "Recipe sets"). A problem names the scenario's field as its file.
 */
export const scenarioSetFiles = (
  scenario: Pick<Scenario, 'recipes' | 'contracts'>,
  files: RecipeSetFiles = marketplaceSetFiles(),
): RecipeSetFiles => {
  const contracts = (scenario.contracts ?? []).map((c, i) => ({
    file: `scenario $.contracts[${i}].schema`,
    source: c.source,
    detailType: c.detailType,
    content: c.schema,
  }));
  const recipes = (scenario.recipes ?? []).map((recipe, i) => ({
    file: `scenario $.recipes[${i}]`,
    content: recipe,
  }));
  const replacedContracts = new Set(contracts.map((c) => contractKey(c.source, c.detailType)));
  const byId = new Map(recipes.map((r) => [r.content.id as unknown, r]));
  const idOf = (content: unknown) => (content as { id?: unknown } | null)?.id;
  const known = new Set(files.recipes.map((r) => idOf(r.content)));
  return {
    ...files,
    contracts: [
      ...files.contracts.filter((c) => !replacedContracts.has(contractKey(c.source, c.detailType))),
      ...contracts,
    ],
    // In place, as mergeRecipes does: a replaced recipe keeps its position.
    recipes: [
      ...files.recipes.map((r) => byId.get(idOf(r.content)) ?? r),
      ...recipes.filter((r) => !known.has(r.content.id)),
    ],
  };
};

/** The catalog and policy of a scenario's run; throws RecipeSetError naming every problem. */
export const scenarioCatalog = (
  scenario: Pick<Scenario, 'recipes' | 'contracts' | 'policy'>,
  files?: RecipeSetFiles,
): { catalog: RecipeCatalog; policy: FatiguePolicy } =>
  recipeSetCatalog(scenarioSetFiles(scenario, files), scenario.policy);
