import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AudiencePage, UserLists } from '../../domain/campaigns/audience.ts';
import { LIST_CHUNK_BYTES, parseListChunk } from '../../domain/campaigns/user-list.ts';
import { ValidationError } from '../../domain/errors.ts';

/** `s3://bucket/key` as bucket and key. */
export const s3Location = (location: string): { Bucket: string; Key: string } => {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!match) throw new ValidationError('audience.location', `expected s3://bucket/key, got ${location}`);
  return { Bucket: match[1]!, Key: match[2]! };
};

/**
 * Lists as S3 objects: each page is one ranged GET of 128 KB from the byte offset `after`, so a
 * reader holds one chunk whatever the size of the list, and a resumed reader starts where the
 * last checkpoint stopped.
 */
export class S3UserLists implements UserLists {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async page(location: string, after: string | undefined, limit: number): Promise<AudiencePage> {
    const offset = Number(after ?? 0);
    const out = await this.#client.send(
      new GetObjectCommand({
        ...s3Location(location),
        Range: `bytes=${offset}-${offset + LIST_CHUNK_BYTES - 1}`,
      }),
    );
    const chunk = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
    // `bytes start-end/size`: the object's size says whether this chunk reaches the end.
    const size = Number(/\/(\d+)$/.exec(out.ContentRange ?? '')?.[1] ?? offset + chunk.length);
    const atEnd = offset + chunk.length >= size;
    const { userIds, consumed } = parseListChunk(chunk, limit, atEnd, location);
    const next = offset + consumed;
    return next >= size ? { userIds } : { userIds, next: String(next) };
  }
}
