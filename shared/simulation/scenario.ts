import { z } from 'zod';
import { campaignSchema } from '../domain/campaigns/campaign.ts';
import { campaignRecipe } from '../domain/campaigns/campaign-recipe.ts';
import { ValidationError } from '../domain/errors.ts';
import { defaultPolicy, type FatiguePolicy, parsePolicy } from '../domain/fatigue/policy.ts';
import { appIdPattern, platforms } from '../domain/push/device.ts';
import { refuseActionLoops } from '../domain/recipes/action-chain.ts';
import { defaultRecipes } from '../domain/recipes/default-catalog.ts';
import { type Recipe, recipeSchema } from '../domain/recipes/recipe.ts';
import { firstDuplicate, flagSchema, normaliseTerms, optOutSchema } from '../domain/users/profile-terms.ts';
import { isTimeZone } from '../domain/users/time-zone.ts';
import { parseOrThrow } from '../domain/validation.ts';

const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time such as 2026-11-21T10:00:00Z',
});
const id = z.string().min(1).max(128);

const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as "Asia/Shanghai"' });

/** A probability per recipe and variant: `{"price-drop": {"A": 0.05, "B": 0.08}}`. */
const ratesByVariant = z.record(z.string(), z.record(z.string(), z.number().min(0).max(1)));

/**
 * How the simulated users behave with what they receive: each delivered push is opened with the
 * probability its recipe and variant give (0 when absent), `delaySeconds` after delivery; an
 * opened push leads to its recipe's conversion event with `conversionRate` (for a holdout
 * variant, which receives nothing, the rate applies to every user in it). `seed` makes the
 * draws repeatable.
 */
export const engagementSchema = z.strictObject({
  seed: z.number().int().default(1),
  openRate: ratesByVariant.default({}),
  conversionRate: ratesByVariant.default({}),
  delaySeconds: z
    .number()
    .min(0)
    .max(30 * 86_400)
    .default(30),
});
export type Engagement = z.output<typeof engagementSchema>;

/**
 * A `herald simulate` scenario: the world before (users, devices, relations) and the events that
 * happen, in time order. Documented in the README; fields are only ever added.
 */
export const scenarioSchema = z.strictObject({
  start: instant,
  users: z
    .array(
      z.strictObject({
        id,
        timeZone: timeZone.default('UTC'),
        /** Normalised (`" Minor"` is `minor`); a flag Herald does not act on is refused, it would be a silent typo. */
        flags: z.array(flagSchema).default([]).transform(normaliseTerms),
        optOuts: z.array(optOutSchema).default([]).transform(normaliseTerms),
      }),
    )
    .default([])
    // Two profiles for one user would race each other into the table: which wins would vary run to run.
    .superRefine((users, context) => {
      const duplicate = firstDuplicate(users.map((user) => user.id));
      if (duplicate)
        context.addIssue({
          code: 'custom',
          path: [duplicate.index, 'id'],
          message: `duplicate user id "${users[duplicate.index]!.id}" (first at $.users[${duplicate.first}])`,
        });
    }),
  devices: z
    .array(
      z.strictObject({
        userId: id,
        /** The app the device runs; absent, the default app. A user may hold devices of several. */
        app: z.string().regex(appIdPattern, 'expected an app id: lower-case words joined by "-"').optional(),
        platform: z.enum(platforms),
        token: z.string().min(8),
      }),
    )
    .default([]),
  relations: z
    .array(
      z.strictObject({
        type: z.string().min(1),
        from: id,
        to: id,
        /** When the relation began; the scenario start by default. */
        since: instant.optional(),
        expiresAt: instant.optional(),
      }),
    )
    .default([]),
  events: z
    .array(
      z.strictObject({
        time: instant,
        source: z.string().min(1),
        'detail-type': z.string().min(1),
        detail: z.unknown(),
      }),
    )
    .default([]),
  /**
   * Overrides of the fatigue policy: each top-level key given (`user`, `businesses`, `groups`,
   * `sender`, `quietHours`, `recipes`) replaces the default policy's.
   */
  policy: z.record(z.string(), z.unknown()).optional(),
  /** Failures the device simulator injects. */
  faults: z
    .strictObject({
      disabledTokens: z.array(z.string()).optional(),
      throttleShare: z.number().min(0).max(1).optional(),
      /** The first N publishes are throttled: deterministic throttling. */
      throttleFirst: z.number().int().min(0).max(1_000_000).optional(),
      /** Seed of the draws behind throttleShare. */
      seed: z.number().int().optional(),
      latencyMs: z.number().int().min(0).max(10_000).optional(),
    })
    .optional(),
  /** Recipes added to the run's recipe set, or replacing its recipe with the same id (scenario-set.ts). */
  recipes: z
    .array(recipeSchema)
    .superRefine((recipes, context) => {
      const duplicate = firstDuplicate(recipes.map((recipe) => recipe.id));
      if (duplicate)
        context.addIssue({
          code: 'custom',
          path: [duplicate.index, 'id'],
          message: `duplicate recipe id "${recipes[duplicate.index]!.id}" (first at $.recipes[${duplicate.first}])`,
        });
    })
    .optional(),
  /**
   * Event contracts added to the run's recipe set, or replacing its contract of the same event:
   * a JSON Schema (draft 2020-12) of the detail each, as a contract file holds.
   */
  contracts: z
    .array(
      z.strictObject({
        source: z.string().min(1),
        detailType: z.string().min(1),
        schema: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  engagement: engagementSchema.optional(),
  /** Campaigns ops create and start at `time` (`by` is whom the history names). */
  campaigns: z
    .array(z.strictObject({ time: instant, campaign: campaignSchema, by: id.default('ops') }))
    .optional(),
  /** What ops do to a running campaign, at `time`. */
  operations: z
    .array(
      z.strictObject({
        time: instant,
        campaign: id,
        action: z.enum(['pause', 'resume', 'cancel']),
        by: id.default('ops'),
      }),
    )
    .optional(),
  /** Users whose every message step the report lists under `traces`. */
  trace: z.array(id).optional(),
});

export type Scenario = Omit<z.output<typeof scenarioSchema>, 'policy'> & { readonly policy: FatiguePolicy };

/**
 * The catalog a scenario runs against: the default recipes, each replaced in place by the
 * scenario's recipe of the same id, then the scenario's other recipes in their order.
 *
 * @example mergeRecipes(defaultRecipes, [{ ...priceDrop, variants }]) // the default three, price drop with variants
 */
export const mergeRecipes = (defaults: readonly Recipe[], added: readonly Recipe[] = []): Recipe[] => {
  const byId = new Map(added.map((recipe) => [recipe.id, recipe]));
  const merged = defaults.map((recipe) => byId.get(recipe.id) ?? recipe);
  const known = new Set(defaults.map((recipe) => recipe.id));
  return [...merged, ...added.filter((recipe) => !known.has(recipe.id))];
};

/** The recipes of a scenario's run: the set's (the default catalog's) merged with the scenario's `recipes`. */
export const scenarioRecipes = (
  scenario: Pick<Scenario, 'recipes'>,
  base: readonly Recipe[] = defaultRecipes,
): Recipe[] => mergeRecipes(base, scenario.recipes);

/** Everything whose messages a scenario's users engage with: the run's recipes, and its campaigns as recipes. */
export const engagingRecipes = (
  scenario: Pick<Scenario, 'campaigns'>,
  recipes: readonly Recipe[],
): Recipe[] => [...recipes, ...(scenario.campaigns ?? []).map(({ campaign }) => campaignRecipe(campaign))];

/** The variants a recipe assigns: its own ids, or the single variant of a recipe without any. */
const variantIdsOf = (recipe: Recipe): string[] => recipe.variants?.map((v) => v.id) ?? ['A'];

/** A rate for a recipe or variant that the run does not have would silently never fire: refused. */
const checkEngagement = (engagement: Engagement, recipes: readonly Recipe[]): void => {
  const byId = new Map(recipes.map((recipe) => [recipe.id, recipe]));
  for (const field of ['openRate', 'conversionRate'] as const) {
    for (const [recipeId, rates] of Object.entries(engagement[field])) {
      const recipe = byId.get(recipeId);
      const path = `$.engagement.${field}.${recipeId}`;
      if (!recipe)
        throw new ValidationError(
          path,
          `unknown recipe "${recipeId}"; expected one of ${[...byId.keys()].map((r) => `"${r}"`).join('|')}`,
        );
      const variants = variantIdsOf(recipe);
      for (const variant of Object.keys(rates))
        if (!variants.includes(variant))
          throw new ValidationError(
            `${path}.${variant}`,
            `recipe "${recipeId}" has no variant "${variant}"; expected one of ${variants.map((v) => `"${v}"`).join('|')}`,
          );
      if (field === 'conversionRate' && !recipe.conversion)
        throw new ValidationError(path, `recipe "${recipeId}" declares no conversion event`);
    }
  }
};

/** Emit recipes of the run that trigger one another in a loop are refused as the scenario's error. */
const refuseLoopsOf = (scenario: Pick<Scenario, 'recipes'>, baseRecipes: readonly Recipe[]): void => {
  try {
    refuseActionLoops(scenarioRecipes(scenario, baseRecipes));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError('$.recipes', error.reason, { cause: error });
  }
};

/** Parses a scenario (`baseRecipes`: its recipe set's, the default catalog's when not given), or throws a ValidationError whose field is the JSON path of the error. */
export const parseScenario = (input: unknown, baseRecipes: readonly Recipe[] = defaultRecipes): Scenario => {
  const scenario = parseOrThrow(scenarioSchema, input, '$');
  refuseLoopsOf(scenario, baseRecipes);
  if (scenario.engagement)
    checkEngagement(scenario.engagement, engagingRecipes(scenario, scenarioRecipes(scenario, baseRecipes)));
  return { ...scenario, policy: parsePolicy({ ...defaultPolicy, ...scenario.policy }, '$.policy') };
};
