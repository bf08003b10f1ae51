import { fileURLToPath } from 'node:url';
import { readRecipeSetFiles } from '../../adapters/files/recipe-set-files.ts';
import { defaultPolicy } from '../fatigue/policy.ts';
import type { Recipe, RecipeCatalog } from './recipe.ts';
import { RecipeSetError, type RecipeSetFiles } from './recipe-set.ts';
import { recipeSetCatalog } from './recipe-set-catalog.ts';

/**
 * The demo marketplace's recipe set: files under `recipes/marketplace/` (README, "Recipe sets"),
 * the default of `herald start`, `herald simulate` and the CDK app. Resolved when first asked
 * for, not at import: a Lambda bundle has no such folder (the stack bundles its set instead).
 */
export const marketplaceSetDir = (): string =>
  fileURLToPath(new URL('../../../recipes/marketplace/', import.meta.url));

let files: RecipeSetFiles | undefined;

/** The marketplace set's files, read once. */
export const marketplaceSetFiles = (): RecipeSetFiles => {
  if (!files) {
    const read = readRecipeSetFiles(marketplaceSetDir());
    if (read.problems.length > 0) throw new RecipeSetError(read.problems);
    files = read.files;
  }
  return files;
};

/** The marketplace recipes and Herald's canary, with the marketplace's contracts and channels. */
export const defaultCatalog = (): RecipeCatalog =>
  recipeSetCatalog(marketplaceSetFiles(), defaultPolicy).catalog;

/** The default catalog's recipes, in file order (the canary last). */
export const defaultRecipes: readonly Recipe[] = defaultCatalog().recipes;

/** One recipe of the default catalog, by id. */
export const defaultRecipe = (id: string): Recipe => defaultCatalog().get(id);
