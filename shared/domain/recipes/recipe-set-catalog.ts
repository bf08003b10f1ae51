import { ValidationError } from '../errors.ts';
import { ContractCatalog, compiledContract, type DetailContract } from '../events/contract-catalog.ts';
import { eventContracts } from '../events/contracts.ts';
import type { FatiguePolicy } from '../fatigue/policy.ts';
import { relationRulesOf } from '../relations/channels.ts';
import { CANARY_DETAIL_TYPE, CANARY_SOURCE, canaryRecipe } from './canary.ts';
import { RecipeCatalog } from './recipe.ts';
import {
  parseRecipeSet,
  type RecipeSet,
  RecipeSetError,
  type RecipeSetFiles,
  type SetPolicy,
  type SetProblem,
} from './recipe-set.ts';
import { checkRecipeSet } from './recipe-set-check.ts';

/** Herald's own contract, part of every deployment whatever its recipe set: the canary's. */
const canaryContract = (): DetailContract =>
  compiledContract(
    eventContracts.find((c) => c.source === CANARY_SOURCE && c.detailType === CANARY_DETAIL_TYPE)!,
  );

export interface CheckedRecipeSet {
  readonly set: RecipeSet;
  /** The set's contracts with Herald's built-in ones (the canary's). */
  readonly contracts: ContractCatalog;
  readonly problems: readonly SetProblem[];
  readonly warnings: readonly SetProblem[];
}

/**
 * Parses and checks a set against a fatigue policy (the set's own `policy` file adds to it).
 * `extra` are contracts known besides the set's (a scenario's inline ones): they replace a set
 * contract of the same event.
 */
export const checkRecipeSetFiles = (
  files: RecipeSetFiles,
  policy: FatiguePolicy,
  extra: readonly DetailContract[] = [],
): CheckedRecipeSet => {
  const { set, problems } = parseRecipeSet(files);
  let contracts = new ContractCatalog([canaryContract()]);
  try {
    contracts = new ContractCatalog([canaryContract(), ...set.contracts]).with(extra);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push({ file: error.field, path: '$', message: error.reason });
  }
  const checked = checkRecipeSet(set, { contracts, policy });
  return { set, contracts, problems: [...problems, ...checked.problems], warnings: checked.warnings };
};

/** The policy a set runs under: `policy` with the set's own businesses and groups added. */
export const policyWithSet = (policy: FatiguePolicy, own: SetPolicy | undefined): FatiguePolicy =>
  own
    ? {
        ...policy,
        businesses: { ...policy.businesses, ...own.businesses },
        groups: { ...policy.groups, ...own.groups },
      }
    : policy;

/**
 * A set Herald can run: its recipes with the canary's, its contracts with the canary's, its
 * channels as relation rules, and the policy with the set's caps. Throws RecipeSetError with
 * every problem of the set.
 */
export const recipeSetCatalog = (
  files: RecipeSetFiles,
  policy: FatiguePolicy,
): { catalog: RecipeCatalog; policy: FatiguePolicy } => {
  const { set, contracts, problems } = checkRecipeSetFiles(files, policy);
  if (problems.length > 0) throw new RecipeSetError(problems);
  const catalog = new RecipeCatalog([...set.recipes, canaryRecipe], {
    contracts,
    channels: set.channels.flatMap(relationRulesOf),
  });
  return { catalog, policy: policyWithSet(policy, set.policy) };
};
