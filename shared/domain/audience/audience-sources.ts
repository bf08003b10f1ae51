import type { Recipe } from '../recipes/recipe.ts';

/** The relation sources of a recipe's audience, with the target the event names for each. */
export const relationSources = (
  recipe: Recipe,
  detail: Readonly<Record<string, unknown>>,
): { readonly type: string; readonly to: string }[] =>
  recipe.audience.flatMap((a) =>
    'relation' in a ? [{ type: a.relation, to: String(detail[a.targetField]) }] : [],
  );

/**
 * The accounts the event's detail names itself (`{"field": "userId"}`): an id, or a list of ids,
 * sorted and each once, as an audience page lists them. Anything else names nobody.
 */
export const namedAccounts = (recipe: Recipe, detail: Readonly<Record<string, unknown>>): string[] => {
  const named = recipe.audience.flatMap((a) => {
    if (!('field' in a)) return [];
    const value = detail[a.field];
    const ids = Array.isArray(value) ? value : [value];
    return ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  });
  return [...new Set(named)].sort();
};
