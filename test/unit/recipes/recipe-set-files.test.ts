import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemLine, readRecipeSetFiles } from '../../../shared/adapters/files/recipe-set-files.ts';

/** A set folder holding `files` (path -> text). */
const setWith = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-set-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
};

describe('readRecipeSetFiles', () => {
  it('reads contracts named by their path, recipes and channels in name order, and the policy', () => {
    const dir = setWith({
      'contracts/market.lottery/DrawEntered.json': '{"type": "object"}',
      'recipes/b.yaml': 'id: b',
      'recipes/a.json': '{"id": "a"}',
      'recipes/README.md': 'not data: ignored',
      'channels/entered.yml': 'relation: entered',
      'policy.yaml': 'businesses: {}',
    });

    const { files, problems } = readRecipeSetFiles(dir);

    expect(problems).toEqual([]);
    expect(files.contracts).toEqual([
      {
        file: 'contracts/market.lottery/DrawEntered.json',
        source: 'market.lottery',
        detailType: 'DrawEntered',
        content: { type: 'object' },
      },
    ]);
    expect(files.recipes.map((r) => r.file)).toEqual(['recipes/a.json', 'recipes/b.yaml']);
    expect(files.channels).toEqual([{ file: 'channels/entered.yml', content: { relation: 'entered' } }]);
    expect(files.policy).toEqual({ file: 'policy.yaml', content: { businesses: {} } });
  });

  it('names the file of bad JSON or YAML and of a contract out of place, and still reads the rest', () => {
    const dir = setWith({
      'contracts/DrawEntered.json': '{"type": "object"}',
      'recipes/broken.yaml': 'id: [unclosed',
      'recipes/broken.json': '{"id": ',
      'recipes/fine.yaml': 'id: fine',
    });

    const { files, problems } = readRecipeSetFiles(dir);

    expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([
      'contracts/DrawEntered.json: $',
      'recipes/broken.json: $',
      'recipes/broken.yaml: $',
    ]);
    expect(problems[0]?.message).toBe('a contract lives at contracts/<source>/<DetailType>.json');
    expect(problems[1]?.message).toMatch(/^not valid JSON: /);
    expect(problems[2]?.message).toMatch(/^not valid YAML: .*line 1/s);
    expect(files.recipes.map((r) => r.file)).toEqual(['recipes/fine.yaml']);
  });

  it('says when a folder is missing or holds no set', () => {
    const missing = join(tmpdir(), 'herald-no-such-set');
    const empty = setWith({ 'notes.txt': 'hello' });

    expect(readRecipeSetFiles(missing).problems.map((p) => problemLine(missing, p))).toEqual([
      `${missing}: $: no such folder`,
    ]);
    expect(readRecipeSetFiles(empty).problems[0]?.message).toMatch(/no contracts\/, recipes\/ or channels\//);
  });
});
