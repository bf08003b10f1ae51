import { ACTION_SOURCE, actionEventDetail, reservedActionFields } from '../actions/action-event.ts';
import {
  type ContractCatalog,
  compiledContract,
  type DetailContract,
  type JsonSchema,
} from '../events/contract-catalog.ts';
import type { FatiguePolicy } from '../fatigue/policy.ts';
import { placeholdersOf } from '../push/template.ts';
import type { Recipe } from './recipe.ts';
import type { RecipeSet, SetProblem } from './recipe-set.ts';

/** Recipient fields a template may print (`{{recipient.id}}`): the profile's. */
const RECIPIENT_FIELDS = new Set(['id', 'timeZone']);

/** The sub-schema a dotted detail path names, or undefined when the contract has no such property. */
const propertyAt = (schema: JsonSchema, path: readonly string[]): JsonSchema | undefined => {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    const properties = node?.properties as Record<string, JsonSchema> | undefined;
    if (!properties || !Object.hasOwn(properties, key)) return undefined;
    node = properties[key];
  }
  return node;
};

const describe = (c: DetailContract) => `the contract of ${c.source}/${c.detailType} (${c.file})`;

/**
 * What a recipe chained on an emit action may read: the action contract's own fields and the
 * fields every recipe emitting that detail-type copies from its trigger (`emit.fields`).
 */
const emittedContracts = (recipes: readonly Recipe[]): DetailContract[] => {
  const fields = new Map<string, { fields: Set<string>; by: string[] }>();
  for (const recipe of recipes) {
    if (!recipe.emit) continue;
    const entry = fields.get(recipe.emit.detailType) ?? { fields: new Set(reservedActionFields), by: [] };
    for (const to of Object.keys(recipe.emit.fields ?? {})) entry.fields.add(to);
    entry.by.push(recipe.id);
    fields.set(recipe.emit.detailType, entry);
  }
  return [...fields].map(([detailType, { fields: names, by }]) => {
    const compiled = compiledContract({ source: ACTION_SOURCE, detailType, detail: actionEventDetail });
    return {
      ...compiled,
      schema: { type: 'object', properties: Object.fromEntries([...names].map((name) => [name, {}])) },
      file: `(emitted by recipe ${by.join(', ')})`,
    };
  });
};

/** The businesses a policy has caps for, alone or in a group. */
const businessesOf = (policy: Pick<FatiguePolicy, 'businesses' | 'groups'>): Set<string> =>
  new Set([
    ...Object.keys(policy.businesses),
    ...Object.values(policy.groups).flatMap((group) => group.businesses),
  ]);

/** Every push template of a recipe, with its JSON path in the recipe file. */
const templatesOf = (recipe: Recipe): { path: string; text: string }[] => {
  const pushes = [
    ...(recipe.push ? [{ at: '$.push', push: recipe.push }] : []),
    ...(recipe.variants ?? []).flatMap((v, i) =>
      'push' in v ? [{ at: `$.variants[${i}].push`, push: v.push }] : [],
    ),
  ];
  return pushes.flatMap(({ at, push }) =>
    (['title', 'body', 'deepLink'] as const).flatMap((key) =>
      push[key] === undefined ? [] : [{ path: `${at}.${key}`, text: push[key] }],
    ),
  );
};

const recipeProblems = (
  recipe: Recipe,
  file: string,
  contracts: ContractCatalog,
  businesses: ReadonlySet<string>,
): SetProblem[] => {
  const problems: SetProblem[] = [];
  const at = (path: string, message: string): void => {
    problems.push({ file, path, message });
  };
  const { source, detailType } = recipe.trigger;
  const contract = contracts.find(source, detailType);
  if (!contract)
    at('$.trigger', `no contract for ${source}/${detailType}: add contracts/${source}/${detailType}.json`);
  const field = (path: string, name: string) => {
    if (contract && !propertyAt(contract.schema, name.split('.')))
      at(path, `"${name}" is not a property of ${describe(contract)}`);
  };
  recipe.audience.forEach((a, i) => {
    if ('targetField' in a) field(`$.audience[${i}].targetField`, a.targetField);
    else field(`$.audience[${i}].field`, a.field);
  });
  // What an emit recipe copies from its trigger must be there to copy.
  for (const [to, from] of Object.entries(recipe.emit?.fields ?? {})) field(`$.emit.fields.${to}`, from);
  if (recipe.senderField) field('$.senderField', recipe.senderField);
  recipe.identity?.forEach((name, i) => {
    field(`$.identity[${i}]`, name);
  });
  for (const { path, text } of templatesOf(recipe)) {
    for (const placeholder of placeholdersOf(text)) {
      const [root, ...rest] = placeholder.split('.');
      if (root === 'detail' && rest.length > 0) {
        if (contract && !propertyAt(contract.schema, rest))
          at(path, `{{${placeholder}}}: "${rest.join('.')}" is not a property of ${describe(contract)}`);
      } else if (!(root === 'recipient' && rest.length === 1 && RECIPIENT_FIELDS.has(rest[0]!))) {
        at(
          path,
          `{{${placeholder}}}: a template prints {{detail.<field>}}, {{recipient.id}} or {{recipient.timeZone}}`,
        );
      }
    }
  }
  if (!recipe.internal && !businesses.has(recipe.business))
    at(
      '$.business',
      `"${recipe.business}" has no caps in the fatigue policy; add it to the set's policy file (businesses) or use one of ${[...businesses].sort().join(', ')}`,
    );
  if (recipe.conversion) {
    const { source: cs, detailType: cd, userField } = recipe.conversion;
    const converted = contracts.find(cs, cd);
    if (!converted) at('$.conversion', `no contract for ${cs}/${cd}`);
    else if (!propertyAt(converted.schema, [userField]))
      at('$.conversion.userField', `"${userField}" is not a property of ${describe(converted)}`);
  }
  return problems;
};

/**
 * Checks a parsed set as a whole: every recipe's trigger (and conversion) has a contract; every
 * placeholder, audience target, sender and identity field is a property of that contract; every
 * business has caps in the fatigue policy; every channel feed has a contract with its `from` and
 * `to` fields, and no event feeds two relations. Warnings name what may be intended (a relation
 * no channel feeds is filled by `herald relations import` only).
 */
export const checkRecipeSet = (
  set: RecipeSet,
  context: { readonly contracts: ContractCatalog; readonly policy: FatiguePolicy },
): { problems: SetProblem[]; warnings: SetProblem[] } => {
  const businesses = businessesOf({
    businesses: { ...context.policy.businesses, ...set.policy?.businesses },
    groups: { ...context.policy.groups, ...set.policy?.groups },
  });
  const contracts = context.contracts.with(emittedContracts(set.recipes));
  const problems = set.recipes.flatMap((recipe) =>
    recipeProblems(recipe, set.recipeFiles.get(recipe.id) ?? recipe.id, contracts, businesses),
  );
  const fed = new Map<string, string>();
  for (const channel of set.channels) {
    const file = set.channelFiles.get(channel) ?? channel.relation;
    channel.feeds.forEach((feed, i) => {
      const { source, detailType } = feed.trigger;
      const key = `${source}/${detailType}`;
      const contract = context.contracts.find(source, detailType);
      if (!contract)
        problems.push({ file, path: `$.feeds[${i}].trigger`, message: `no contract for ${key}` });
      for (const end of ['from', 'to'] as const)
        if (contract && !propertyAt(contract.schema, [feed[end]]))
          problems.push({
            file,
            path: `$.feeds[${i}].${end}`,
            message: `"${feed[end]}" is not a property of ${describe(contract)}`,
          });
      const first = fed.get(key);
      if (first)
        problems.push({
          file,
          path: `$.feeds[${i}].trigger`,
          message: `${key} already feeds a relation (${first})`,
        });
      else fed.set(key, `${file}: $.feeds[${i}]`);
    });
  }
  const relations = new Set(set.channels.map((c) => c.relation));
  const warnings = set.recipes.flatMap((recipe) =>
    recipe.audience.flatMap((a, i) =>
      !('relation' in a) || relations.has(a.relation)
        ? []
        : [
            {
              file: set.recipeFiles.get(recipe.id) ?? recipe.id,
              path: `$.audience[${i}].relation`,
              message: `no channel of this set feeds "${a.relation}": only imported relations (herald relations import) reach it`,
            },
          ],
    ),
  );
  return { problems, warnings };
};
