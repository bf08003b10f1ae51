import type { z } from 'zod';
import { HeraldError, ValidationError } from '../errors.ts';
import { type DetailContract, preferCompiled } from '../events/contract-catalog.ts';
import { jsonSchemaContract } from '../events/json-schema-contract.ts';
import { fatiguePolicySchema } from '../fatigue/policy.ts';
import { type Channel, channelSchema } from '../relations/channels.ts';
import { parseOrThrow } from '../validation.ts';
import { type Recipe, recipeSchema } from './recipe.ts';

/** One file of a recipe set, already parsed from JSON or YAML; `file` is its path in the set. */
export interface SetFile {
  readonly file: string;
  readonly content: unknown;
}

/** A contract file: its event is named by its path, `contracts/<source>/<DetailType>.json`. */
export interface ContractFile extends SetFile {
  readonly source: string;
  readonly detailType: string;
}

/**
 * A recipe set as read from disk (shared/adapters/recipe-set) or given inline (a scenario): plain
 * data, so the CDK app can also bundle it into the functions as it is.
 */
export interface RecipeSetFiles {
  readonly contracts: readonly ContractFile[];
  readonly recipes: readonly SetFile[];
  readonly channels: readonly SetFile[];
  /** `policy.json|yaml`: fatigue caps for the set's own businesses and groups. */
  readonly policy?: SetFile;
}

/** What is wrong, where: a file of the set and a JSON path in it. */
export interface SetProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** A recipe set Herald cannot run, with every problem found. */
export class RecipeSetError extends HeraldError {
  readonly problems: readonly SetProblem[];

  constructor(problems: readonly SetProblem[]) {
    super(
      `the recipe set has ${problems.length} problem(s):\n${problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`).join('\n')}`,
    );
    this.name = 'RecipeSetError';
    this.problems = problems;
  }
}

/** The part of a fatigue policy a set may state: caps of its own businesses and groups. */
export const setPolicySchema = fatiguePolicySchema.pick({ businesses: true, groups: true });
export type SetPolicy = z.output<typeof setPolicySchema>;

/** A recipe set whose every file parsed; `fileOf` names where each recipe and channel was declared. */
export interface RecipeSet {
  readonly recipes: readonly Recipe[];
  readonly contracts: readonly DetailContract[];
  readonly channels: readonly Channel[];
  readonly policy?: SetPolicy;
  readonly recipeFiles: ReadonlyMap<string, string>;
  readonly channelFiles: ReadonlyMap<Channel, string>;
}

const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A ValidationError of `parseOrThrow` as a problem in `file` (its field is the JSON path). */
const problemOf = (file: string, error: unknown): SetProblem => {
  if (!(error instanceof ValidationError)) throw error;
  const [inFile, path] = error.field.startsWith(`${file}: `)
    ? [file, error.field.slice(file.length + 2)]
    : [file, error.field];
  return { file: inFile, path, message: error.reason };
};

/**
 * Parses every file of a set, each on its own: a broken file is a problem of that file, and the
 * others still parse, so `herald recipes check` reports them all at once. Cross-file checks (a
 * trigger without a contract...) are recipe-set-check.ts's.
 */
export const parseRecipeSet = (files: RecipeSetFiles): { set: RecipeSet; problems: SetProblem[] } => {
  const problems: SetProblem[] = [];
  const contracts: DetailContract[] = [];
  for (const { file, content, source, detailType } of files.contracts) {
    if (!EVENT_NAME.test(source) || !EVENT_NAME.test(detailType)) {
      problems.push({
        file,
        path: '$',
        message: 'a contract is named contracts/<source>/<DetailType>.json (letters, digits, ".", "_", "-")',
      });
      continue;
    }
    try {
      if (content === null || typeof content !== 'object' || Array.isArray(content))
        throw new ValidationError('$', 'expected a JSON Schema object');
      contracts.push(
        preferCompiled(jsonSchemaContract(source, detailType, content as Record<string, unknown>, file)),
      );
    } catch (error) {
      problems.push(problemOf(file, error));
    }
  }
  const recipes: Recipe[] = [];
  const recipeFiles = new Map<string, string>();
  for (const { file, content } of files.recipes) {
    try {
      const recipe = parseOrThrow(recipeSchema, content, '$');
      const first = recipeFiles.get(recipe.id);
      if (first) throw new ValidationError('$.id', `duplicates "${recipe.id}" (first in ${first})`);
      recipeFiles.set(recipe.id, file);
      recipes.push(recipe);
    } catch (error) {
      problems.push(problemOf(file, error));
    }
  }
  const channels: Channel[] = [];
  const channelFiles = new Map<Channel, string>();
  for (const { file, content } of files.channels) {
    try {
      const channel = parseOrThrow(channelSchema, content, '$');
      channels.push(channel);
      channelFiles.set(channel, file);
    } catch (error) {
      problems.push(problemOf(file, error));
    }
  }
  let policy: SetPolicy | undefined;
  if (files.policy) {
    try {
      policy = parseOrThrow(setPolicySchema.strict(), files.policy.content, '$');
    } catch (error) {
      problems.push(problemOf(files.policy.file, error));
    }
  }
  return {
    set: { recipes, contracts, channels, recipeFiles, channelFiles, ...(policy ? { policy } : {}) },
    problems,
  };
};
