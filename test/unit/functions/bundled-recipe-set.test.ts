import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { RECIPE_SET_DEFINE } from '../../../functions/bundled-recipe-set.ts';
import { readRecipeSetFiles } from '../../../shared/adapters/files/recipe-set-files.ts';

const root = join(import.meta.dirname, '../../..');
/** What a function reads of its ports, printed as JSON by a bundled probe. */
const probe = `
import { lambdaPorts } from './functions/lambda-ports.ts';
const { catalog, policy } = lambdaPorts();
let rejected;
try { catalog.contracts.find('market.lottery', 'DrawEntered').check({ userId: 'u', drawId: 'd', coins: 0 }); }
catch (error) { rejected = error.message; }
console.log(JSON.stringify({
  recipes: catalog.recipes.map((r) => r.id),
  channels: catalog.channels.map((c) => c.relation),
  lotteryCaps: policy.businesses.lottery,
  rejected,
}));
`;

/** Bundles the probe as the stack bundles a function (CommonJS, node24), with `define`, and runs it. */
const runBundled = async (define: Record<string, string>) => {
  const out = await build({
    stdin: { contents: probe, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    define,
    write: false,
    logLevel: 'silent',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'herald-bundle-')), 'index.js');
  writeFileSync(file, out.outputFiles[0]!.text);
  return execFileSync(process.execPath, [file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};

describe('a function bundled with a recipe set', () => {
  it('builds its catalog, channels and policy from the set the stack bundled, checking details with ajv', async () => {
    const set = readRecipeSetFiles(join(root, 'examples/lottery')).files;

    const output = await runBundled({ [RECIPE_SET_DEFINE]: JSON.stringify(JSON.stringify(set)) });

    expect(JSON.parse(output)).toEqual({
      recipes: ['lottery-drawn', 'herald-canary'],
      channels: ['entered'],
      lotteryCaps: [{ window: 'day', limit: 2, mode: 'calendar' }],
      rejected: 'detail.coins: must be > 0',
    });
  }, 60_000);

  it('fails its first use of the catalog, saying why, when bundled without a set', async () => {
    await expect(runBundled({})).rejects.toThrow(
      /no recipe set in this bundle: deploy through the Herald CDK app/,
    );
  }, 60_000);
});
