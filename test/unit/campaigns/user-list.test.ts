import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileUserLists } from '../../../shared/adapters/lists/file-user-lists.ts';
import { parseListChunk } from '../../../shared/domain/campaigns/user-list.ts';

describe('uploaded lists', () => {
  it('reads ids, NDJSON and CSV first columns; skips headers, blanks and comments', () => {
    const chunk = Buffer.from('userId\nann\n\n# vip\n{"userId":"bo"}\ncy,2026-01-01\n');
    expect(parseListChunk(chunk, 10, true, 'l').userIds).toEqual(['ann', 'bo', 'cy']);
  });

  it('stops before a line the chunk cuts, and says how far it read', () => {
    const chunk = Buffer.from('ann\nbo\ncy');
    expect(parseListChunk(chunk, 10, false, 'l')).toEqual({ userIds: ['ann', 'bo'], consumed: 7 });
    expect(parseListChunk(chunk, 10, true, 'l')).toEqual({ userIds: ['ann', 'bo', 'cy'], consumed: 9 });
  });

  it('names the list and the line it cannot read', () => {
    expect(() => parseListChunk(Buffer.from('{"user": 1}\n'), 10, true, 's3://b/k')).toThrow(
      's3://b/k: expected a user id or {"userId": "..."} per line',
    );
  });

  it('pages through a file by byte offset, in constant memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-list-'));
    const file = join(dir, 'list.txt');
    const ids = Array.from({ length: 2500 }, (_, i) => `user-${i}`);
    await writeFile(file, `${ids.join('\n')}\n`);
    const lists = new FileUserLists();
    const read: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await lists.page(file, after, 1000);
      read.push(...page.userIds);
      after = page.next;
      pages++;
    } while (after !== undefined);
    expect(read).toEqual(ids);
    expect(pages).toBe(3);
    await expect(lists.page(join(dir, 'missing.txt'), undefined, 10)).rejects.toThrow(
      'audience.location: cannot read',
    );
  });
});
