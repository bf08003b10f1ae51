import type { RecipeSetFiles } from '../shared/domain/recipes/recipe-set.ts';

/**
 * The expression the stack's bundler replaces with the deployment's recipe set, as JSON text
 * (HeraldFunction's esbuild `define`): a set is too large for Lambda's 4 KB of environment,
 * and bundled it changes the code, so a new recipe deploys as new code, never half-applied.
 */
export const RECIPE_SET_DEFINE = 'process.env.HERALD_RECIPE_SET';

/** The recipe set this function was bundled with; outside a bundle, the variable of that name. */
export const bundledRecipeSet = (): RecipeSetFiles => {
  const json = process.env.HERALD_RECIPE_SET;
  if (!json)
    throw new Error(
      'no recipe set in this bundle: deploy through the Herald CDK app, which bundles one (context recipesDir)',
    );
  return JSON.parse(json) as RecipeSetFiles;
};
