import { z } from 'zod';
import { conversionSchema, pushTemplateSchema, variantsSchema } from '../engagement/experiment.ts';
import { UnknownRecipeError } from '../errors.ts';
import { type ContractCatalog, compiledContracts } from '../events/contract-catalog.ts';
import { appIdPattern } from '../push/device.ts';
import type { RelationRule } from '../relations/ingestion.ts';
import { parseOrThrow } from '../validation.ts';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case words joined by "-"');

/** Where an audience comes from: accounts related by `relation` to the detail's `targetField`. */
const audienceSource = z.strictObject({ relation: name, targetField: z.string().min(1) });

/**
 * A recipe binds a trigger (an event type, optionally narrowed by a pattern on its detail) to an
 * action (a push to an audience computed from relations). Recipes are data: a catalog is
 * validated when it loads, and the bus rules are generated from it.
 */
export const recipeSchema = z.strictObject({
  id: name,
  description: z.string().min(1),
  trigger: z.strictObject({
    source: z.string().min(1),
    detailType: z.string().min(1),
    /** Extra EventBridge pattern on `detail`, matched by the rule itself. */
    detailPattern: z.record(z.string(), z.unknown()).optional(),
  }),
  audience: z.array(audienceSource).min(1),
  /** The business line this push belongs to, for fatigue caps, opt-outs and cost reports. */
  business: name,
  /** Opt-out category, e.g. `promotions`. */
  category: name,
  /** Detail field naming the sender (a seller), for the per-sender fatigue layer. */
  senderField: z.string().min(1).optional(),
  /**
   * Detail fields that identify the business event (`["itemId", "newPrice"]`): a publisher that
   * sends the same one twice pushes once. Absent: the whole detail, with source and detail-type.
   */
  identity: z.array(z.string().min(1)).min(1).max(8).optional(),
  push: pushTemplateSchema,
  /**
   * An experiment: each recipient gets one variant's push (or, in a holdout, nothing), chosen by
   * a hash of `experimentSalt` (default: the recipe id) and the user id.
   */
  variants: variantsSchema.optional(),
  experimentSalt: z.string().min(1).max(64).optional(),
  /** The event that counts as a conversion, for conversion rates and the holdout's lift. */
  conversion: conversionSchema.optional(),
  /**
   * Herald's own traffic (the canary), not a business's: left out of business stats and
   * summaries, and costed on an overhead line of its own.
   */
  internal: z.literal(true).optional(),
  /** The one app whose devices get the push (its platform applications); absent, every app's. */
  app: z.string().regex(appIdPattern, 'expected an app id: lower-case words joined by "-"').optional(),
});

export type Recipe = z.infer<typeof recipeSchema>;
export type AudienceSource = z.infer<typeof audienceSource>;

/**
 * A validated, indexed set of recipes, with the contracts their events are checked against (the
 * compiled ones unless a recipe set gives its own) and the relation rules that feed their
 * audiences (none unless given: see recipe-set.ts).
 */
export class RecipeCatalog {
  readonly recipes: readonly Recipe[];
  readonly contracts: ContractCatalog;
  readonly channels: readonly RelationRule[];
  readonly #byId: ReadonlyMap<string, Recipe>;

  constructor(
    recipes: readonly unknown[],
    parts: { readonly contracts?: ContractCatalog; readonly channels?: readonly RelationRule[] } = {},
  ) {
    this.contracts = parts.contracts ?? compiledContracts();
    this.channels = parts.channels ?? [];
    const parsed = recipes.map((r, i) => parseOrThrow(recipeSchema, r, `recipes[${i}]`));
    const byId = new Map<string, Recipe>();
    parsed.forEach((recipe, i) => {
      if (byId.has(recipe.id)) throw new UnknownRecipeError(`recipes[${i}].id duplicates "${recipe.id}"`);
      byId.set(recipe.id, recipe);
    });
    this.recipes = parsed;
    this.#byId = byId;
  }

  get(recipeId: string): Recipe {
    const recipe = this.#byId.get(recipeId);
    if (!recipe) throw new UnknownRecipeError(recipeId);
    return recipe;
  }

  has(recipeId: string): boolean {
    return this.#byId.has(recipeId);
  }
}
