import { z } from 'zod';
import type { Recipe } from '../recipes/recipe.ts';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case words joined by "-"');

/** Where an audience comes from: accounts related to a target the event names, or accounts it names itself. */
export type AudienceSource =
  | { readonly relation: string; readonly targetField: string }
  | { readonly field: string };

/**
 * An audience source of a recipe: `{"relation": "follow", "targetField": "sellerId"}`, the accounts
 * related by `relation` to the detail's `targetField`, or `{"field": "userId"}`, the account (or
 * list of accounts) the detail itself names, e.g. the recipient of an emitted action. One object
 * with every key optional rather than a union, so an error names the field and the reason.
 */
export const audienceSourceSchema = z
  .strictObject({
    relation: name.optional(),
    targetField: z.string().min(1).optional(),
    field: z.string().min(1).optional(),
  })
  .superRefine((source, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (source.field !== undefined) {
      if (source.relation !== undefined || source.targetField !== undefined)
        issue('field', 'names the audience itself: leave out relation and targetField');
      return;
    }
    if (source.relation === undefined)
      issue('relation', 'required (or "field", an account the detail names)');
    if (source.targetField === undefined) issue('targetField', 'required with "relation"');
  })
  .transform(
    (source): AudienceSource =>
      source.field !== undefined
        ? { field: source.field }
        : { relation: source.relation!, targetField: source.targetField! },
  );

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
