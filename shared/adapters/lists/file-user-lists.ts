import { open } from 'node:fs/promises';
import type { AudiencePage, UserLists } from '../../domain/campaigns/audience.ts';
import { LIST_CHUNK_BYTES, parseListChunk } from '../../domain/campaigns/user-list.ts';
import { ValidationError } from '../../domain/errors.ts';

/** Lists as local files (the local runtime and `herald campaign dry-run`); `after` is a byte offset. */
export class FileUserLists implements UserLists {
  async page(location: string, after: string | undefined, limit: number): Promise<AudiencePage> {
    const offset = Number(after ?? 0);
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(location, 'r');
    } catch (error) {
      throw new ValidationError('audience.location', `cannot read ${location}: ${(error as Error).message}`);
    }
    try {
      const buffer = Buffer.alloc(LIST_CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, LIST_CHUNK_BYTES, offset);
      const size = (await file.stat()).size;
      const atEnd = offset + bytesRead >= size;
      const { userIds, consumed } = parseListChunk(buffer.subarray(0, bytesRead), limit, atEnd, location);
      const next = offset + consumed;
      return next >= size ? { userIds } : { userIds, next: String(next) };
    } finally {
      await file.close();
    }
  }
}
