import { ACTION_SOURCE } from '../actions/action-event.ts';
import type { RecipeCatalog } from '../recipes/recipe.ts';

/** What a bus rule delivers to. The stack maps these to functions and queues. */
export type RuleTarget = 'planner' | 'relation-writer' | 'rejected-events' | 'conversion';

/**
 * The input a rule hands its target: constant fields plus the whole event under `eventField`.
 * The CDK stack renders it as an input transformer; the local bus applies the same transformer.
 */
export interface RuleInput {
  /** Text fields; `<name>` in one stands for the event field that `quotes` names. */
  readonly constants: Readonly<Record<string, string>>;
  readonly eventField: string;
  /** Event fields the constants quote, by placeholder: `{ source: '$.source' }` fills `<source>`. */
  readonly quotes?: Readonly<Record<string, string>>;
}

export interface BusRule {
  /** Unique, and a valid EventBridge rule name. */
  readonly name: string;
  readonly description: string;
  readonly pattern: Readonly<Record<string, unknown>>;
  readonly target: RuleTarget;
  /** Absent: the target receives the event itself. */
  readonly input?: RuleInput;
}

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

/**
 * Every rule of the bus, generated from the recipe catalog and its relation rules (channels): one rule per
 * recipe, one relation-ingestion rule per relation source, for each known source a rule that
 * keeps events whose detail-type nothing expects, and one rule that keeps events of every other
 * source. Together they leave no event unaccounted for: each is matched or kept with its reason.
 */
export const busRules = (catalog: RecipeCatalog): BusRule[] => {
  const recipeRules: BusRule[] = catalog.recipes.map((recipe) => ({
    name: `recipe-${recipe.id}`,
    description: recipe.description,
    pattern: {
      source: [recipe.trigger.source],
      'detail-type': [recipe.trigger.detailType],
      ...(recipe.trigger.detailPattern ? { detail: recipe.trigger.detailPattern } : {}),
    },
    target: 'planner',
    input: { constants: { recipeId: recipe.id }, eventField: 'event' },
  }));

  const relationIngestion: BusRule[] = [...groupBy(catalog.channels, (r) => r.source)].map(
    ([source, rules]) => ({
      name: `relations-${source.replaceAll('.', '-')}`,
      description: `Keeps the relations that events of ${source} describe`,
      pattern: { source: [source], 'detail-type': rules.map((r) => r.detailType) },
      target: 'relation-writer',
    }),
  );

  const expected = [
    ...catalog.recipes.map((r) => ({ source: r.trigger.source, detailType: r.trigger.detailType })),
    ...catalog.channels,
    ...conversionsOf(catalog),
    // What emit recipes put on the bus is expected even when no recipe fires on it: a team's own rule takes it.
    ...catalog.recipes.flatMap((r) =>
      r.emit ? [{ source: ACTION_SOURCE, detailType: r.emit.detailType }] : [],
    ),
  ];
  const unexpected: BusRule[] = [...groupBy(expected, (e) => e.source)].map(([source, known]) => {
    const detailTypes = [...new Set(known.map((k) => k.detailType))].sort();
    return {
      name: `unexpected-${source.replaceAll('.', '-')}`,
      description: `Keeps events of ${source} whose detail-type no rule expects`,
      pattern: { source: [source], 'detail-type': [{ 'anything-but': detailTypes }] },
      target: 'rejected-events',
      input: {
        constants: { reason: `detail-type: no rule expects it from source ${source}` },
        eventField: 'event',
      },
    };
  });

  // EventBridge compares sources exactly, so a mis-cased `Market.Items` lands here too.
  const unknownSources: BusRule = {
    name: 'unknown-sources',
    description: 'Keeps events of sources that no recipe or relation rule expects',
    pattern: { source: [{ 'anything-but': [...new Set(expected.map((e) => e.source))].sort() }] },
    target: 'rejected-events',
    input: {
      constants: { reason: 'source: no recipe or relation rule expects "<source>"' },
      eventField: 'event',
      quotes: { source: '$.source' },
    },
  };

  return [...recipeRules, ...relationIngestion, ...unexpected, unknownSources];
};

/** The conversions the catalog's recipes declare, once per (source, detail-type, user field). */
const conversionsOf = (catalog: RecipeCatalog) => {
  const distinct = new Map<string, { source: string; detailType: string; userField: string }>();
  for (const { conversion } of catalog.recipes) {
    if (!conversion) continue;
    const { source, detailType, userField } = conversion;
    distinct.set(JSON.stringify([source, detailType, userField]), { source, detailType, userField });
  }
  return [...distinct.values()];
};

/**
 * One rule per distinct conversion of the catalog (an order, a sign-up), targeting the message
 * log: the target records a `converted` record for the user at `userField`. Kept apart from
 * `busRules` because the target is not a function: locally the bus appends to the log, on AWS
 * the rule feeds the Firehose stream with an input transformer (MessageLog.routeConversions).
 * `busRules` counts these events as expected, so they are not kept as unexpected.
 */
export const conversionRules = (catalog: RecipeCatalog): BusRule[] =>
  conversionsOf(catalog).map(({ source, detailType, userField }) => ({
    name: `conversion-${source}-${detailType}-${userField}`.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 64),
    description: `Records ${detailType} events of ${source} as conversions of the user at detail.${userField}`,
    pattern: { source: [source], 'detail-type': [detailType] },
    target: 'conversion',
    input: { constants: { userField }, eventField: 'event' },
  }));
