import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ContractFile, RecipeSetFiles, SetFile, SetProblem } from '../../domain/recipes/recipe-set.ts';

const DATA_FILE = /\.(json|ya?ml)$/;

/** `dir`'s data files, depth first in name order, so a set reads the same on every machine. */
const dataFilesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => !entry.name.startsWith('.'))
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((entry) => {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) return dataFilesUnder(path);
          return DATA_FILE.test(entry.name) ? [path] : [];
        })
    : [];

/**
 * Reads a recipe set from a folder, synchronously (the CDK app synthesises synchronously):
 * `contracts/<source>/<DetailType>.json`, `recipes/*.json|yaml`, `channels/*.json|yaml` and an
 * optional `policy.json|yaml`. A file that is not valid JSON or YAML is a problem of that file;
 * the others are still read. Paths in the result are relative to `dir`, with `/`.
 *
 * @example readRecipeSetFiles('recipes/marketplace').files.recipes[0].file // 'recipes/favorited-item-price-drop.yaml'
 */
export const readRecipeSetFiles = (dir: string): { files: RecipeSetFiles; problems: SetProblem[] } => {
  const problems: SetProblem[] = [];
  const empty: RecipeSetFiles = { contracts: [], recipes: [], channels: [] };
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return { files: empty, problems: [{ file: dir, path: '$', message: 'no such folder' }] };
  const name = (path: string) => relative(dir, path).split(sep).join('/');
  const read = (path: string): SetFile | undefined => {
    const file = name(path);
    try {
      const text = readFileSync(path, 'utf8');
      return { file, content: extname(path) === '.json' ? JSON.parse(text) : parseYaml(text) };
    } catch (error) {
      problems.push({
        file,
        path: '$',
        message: `not valid ${extname(path).slice(1).toUpperCase()}: ${(error as Error).message}`,
      });
      return undefined;
    }
  };
  const contracts: ContractFile[] = [];
  for (const path of dataFilesUnder(join(dir, 'contracts'))) {
    const parts = name(path).split('/');
    if (parts.length !== 3) {
      problems.push({
        file: name(path),
        path: '$',
        message: 'a contract lives at contracts/<source>/<DetailType>.json',
      });
      continue;
    }
    const file = read(path);
    if (file) contracts.push({ ...file, source: parts[1]!, detailType: parts[2]!.replace(DATA_FILE, '') });
  }
  const all = (folder: string) => dataFilesUnder(join(dir, folder)).flatMap((path) => read(path) ?? []);
  const policyPath = ['policy.json', 'policy.yaml', 'policy.yml'].map((p) => join(dir, p)).find(existsSync);
  const policy = policyPath ? read(policyPath) : undefined;
  const files = {
    contracts,
    recipes: all('recipes'),
    channels: all('channels'),
    ...(policy ? { policy } : {}),
  };
  if (files.contracts.length + files.recipes.length + files.channels.length === 0 && problems.length === 0)
    problems.push({
      file: dir,
      path: '$',
      message: 'no contracts/, recipes/ or channels/ files: is this a recipe set?',
    });
  return { files, problems };
};

/** A problem of the set in `dir` as one line: `dir/recipes/x.yaml: $.push.body: ...`. */
export const problemLine = (dir: string, p: SetProblem): string =>
  `${p.file === dir ? dir : `${dir}/${p.file}`}: ${p.path}: ${p.message}`;
