import { ValidationError } from '../errors.ts';

/**
 * The lines of an uploaded list: one user id per line, or an NDJSON object with `userId`; blank
 * lines, `#` comments and a `userId` header line are skipped. Parsed a chunk at a time so a list
 * of ten million ids never sits in memory: `consumed` says how many bytes of `chunk` made whole
 * lines, and the next page starts there.
 */
export const parseListChunk = (
  chunk: Buffer,
  limit: number,
  atEnd: boolean,
  location: string,
): { userIds: string[]; consumed: number } => {
  const userIds: string[] = [];
  let consumed = 0;
  while (userIds.length < limit && consumed < chunk.length) {
    let end = chunk.indexOf(0x0a, consumed);
    if (end === -1) {
      if (!atEnd) break;
      end = chunk.length;
    }
    const line = chunk.subarray(consumed, end).toString('utf8').trim();
    consumed = Math.min(chunk.length, end + 1);
    const userId = userIdOf(line, location);
    if (userId !== undefined) userIds.push(userId);
  }
  if (consumed === 0 && !atEnd && chunk.length > 0)
    throw new ValidationError(location, `a line is longer than ${chunk.length} bytes`);
  return { userIds, consumed };
};

const userIdOf = (line: string, location: string): string | undefined => {
  if (line === '' || line.startsWith('#') || line === 'userId') return undefined;
  if (!line.startsWith('{')) return line.split(',')[0]!.trim();
  try {
    const userId = (JSON.parse(line) as { userId?: unknown }).userId;
    if (typeof userId === 'string' && userId !== '') return userId;
  } catch {
    // fall through to the error naming the line
  }
  throw new ValidationError(
    location,
    `expected a user id or {"userId": "..."} per line, got ${line.slice(0, 80)}`,
  );
};

/** Bytes read per page request: a page of 1,000 ids of up to 64 characters fits. */
export const LIST_CHUNK_BYTES = 128 * 1024;
