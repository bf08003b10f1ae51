import type { AppPlatformApplications } from '../functions/port-environment.ts';
import { defaultApp } from '../shared/domain/push/device.ts';
import type { RecipeCatalog } from '../shared/domain/recipes/recipe.ts';
import type { PlatformApplicationArns } from './context.ts';

/** Every app's platform applications: the default app's (as a single-app deployment gives them) and the others'. */
export const appApplications = (
  defaults: PlatformApplicationArns,
  others: Readonly<Record<string, PlatformApplicationArns>> = {},
): AppPlatformApplications => {
  if (defaultApp in others)
    throw new Error(
      `apps: give the default app's applications as platformApplicationArns, not apps.${defaultApp}`,
    );
  return { [defaultApp]: defaults, ...others };
};

/** Every application ARN of every app: where the registry creates endpoints and the worker publishes. */
export const applicationArnsOf = (apps: AppPlatformApplications): string[] =>
  Object.values(apps).flatMap((arns) => Object.values(arns).filter((arn): arn is string => Boolean(arn)));

/**
 * A recipe for an app this deployment has no applications for would push nobody, forever: the
 * synth fails naming it instead.
 */
export const checkRecipeApps = (catalog: RecipeCatalog, apps: AppPlatformApplications): void => {
  catalog.recipes.forEach((recipe, i) => {
    if (recipe.app !== undefined && applicationArnsOf({ [recipe.app]: apps[recipe.app] ?? {} }).length === 0)
      throw new Error(
        `recipes[${i}].app: "${recipe.app}" (recipe ${recipe.id}) has no platform applications in context apps ` +
          `(known: ${Object.keys(apps).join(', ')})`,
      );
  });
};
