import { z } from 'zod';
import { emitSchema } from '../actions/emit-schema.ts';
import { audienceSourceSchema } from '../audience/audience-sources.ts';
import { conversionSchema, pushTemplateSchema, variantsSchema } from '../engagement/experiment.ts';
import { UnknownRecipeError } from '../errors.ts';
import { type ContractCatalog, compiledContracts } from '../events/contract-catalog.ts';
import { appIdPattern } from '../push/device.ts';
import type { RelationRule } from '../relations/ingestion.ts';
import { parseOrThrow } from '../validation.ts';
import { refuseActionLoops } from './action-chain.ts';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected lower-case words joined by "-"');

/** The parts each action needs, and only those: a push recipe's push, an emit recipe's emit. */
const actionParts = (
  recipe: { action?: string; push?: unknown; emit?: unknown; variants?: unknown },
  context: z.RefinementCtx,
) => {
  const issue = (path: string, message: string) =>
    context.addIssue({ code: 'custom', path: [path], message });
  if (recipe.action === 'emit') {
    if (!recipe.emit) issue('emit', 'required when action is "emit"');
    if (recipe.push) issue('push', 'an emit recipe pushes nothing: leave it out');
    if (recipe.variants) issue('variants', 'experiments compare pushes: an emit recipe has none');
  } else {
    if (!recipe.push) issue('push', 'required when action is "push" (the default)');
    if (recipe.emit) issue('emit', 'only for action "emit"');
  }
};

/**
 * A recipe binds a trigger (an event type, optionally narrowed by a pattern on its detail) to an
 * action for each account of an audience computed from relations or named by the event: a push,
 * or an event emitted back on the bus. Recipes are data: a catalog is
 * validated when it loads, and the bus rules are generated from it.
 */
const recipeFields = z.strictObject({
  id: name,
  description: z.string().min(1),
  trigger: z.strictObject({
    source: z.string().min(1),
    detailType: z.string().min(1),
    /** Extra EventBridge pattern on `detail`, matched by the rule itself. */
    detailPattern: z.record(z.string(), z.unknown()).optional(),
  }),
  audience: z.array(audienceSourceSchema).min(1),
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
  /** What the recipe does for each recipient: `push` (the default) or `emit` an event. */
  action: z.enum(['push', 'emit']).optional(),
  /** The push, for `action: push`. */
  push: pushTemplateSchema.optional(),
  /** The emitted event, for `action: emit`. */
  emit: emitSchema.optional(),
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
export const recipeSchema = recipeFields.superRefine(actionParts);

export type Recipe = z.infer<typeof recipeSchema>;
/** Whether the recipe emits events rather than pushing. */
export const emits = (recipe: Recipe): recipe is Recipe & { emit: NonNullable<Recipe['emit']> } =>
  recipe.action === 'emit';

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
    refuseActionLoops(parsed);
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
