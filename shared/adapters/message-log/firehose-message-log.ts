import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { MessageLogError } from '../../domain/engagement/errors.ts';
import type { MessageLog, MessageRecord } from '../../domain/engagement/message-log.ts';
import { retryingClientConfig } from '../client-config.ts';

/** Firehose takes records of up to 1,000 KiB. */
export const maxRecordBytes = 1_000 * 1024;
/** PutRecordBatch takes up to 500 records and 4 MiB. */
const maxBatchRecords = 500;
const maxBatchBytes = 4 * 1024 * 1024;
const batchAttempts = 3;

let sharedClient: FirehoseClient | undefined;
// Standard retries: a PutRecord retried after it landed writes the batch twice, which the
// queries absorb (they count each step once per message).
const firehose = () => (sharedClient ??= new FirehoseClient(retryingClientConfig));

/** NDJSON of `records`, cut into pieces of at most `limit` bytes, each ending with a newline. */
export const ndjsonPieces = (records: readonly MessageRecord[], limit = maxRecordBytes): Uint8Array[] => {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  let lines: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (lines.length === 0) return;
    pieces.push(Buffer.concat(lines, size));
    lines = [];
    size = 0;
  };
  for (const record of records) {
    const line = encoder.encode(`${JSON.stringify(record)}\n`);
    if (line.length > limit) throw new MessageLogError(`a record of ${line.length} bytes exceeds ${limit}`);
    if (size + line.length > limit) flush();
    lines.push(line);
    size += line.length;
  }
  flush();
  return pieces;
};

/**
 * The message log on AWS: one append is one Firehose record (Firehose bills each record in 5 KB
 * steps, so a page or a job's worth of steps costs about what one step would), the batch as
 * NDJSON so that S3 objects are one record a line for the Glue table. A batch over 1,000 KiB
 * is cut at line boundaries and sent with PutRecordBatch.
 */
export class FirehoseMessageLog implements MessageLog {
  readonly #streamName: string;
  readonly #client: FirehoseClient;

  constructor(streamName: string, client: FirehoseClient = firehose()) {
    this.#streamName = streamName;
    this.#client = client;
  }

  async append(records: readonly MessageRecord[]): Promise<void> {
    if (records.length === 0) return;
    const pieces = ndjsonPieces(records);
    try {
      if (pieces.length === 1) {
        await this.#client.send(
          new PutRecordCommand({ DeliveryStreamName: this.#streamName, Record: { Data: pieces[0] } }),
        );
        return;
      }
      for (const group of batches(pieces)) await this.#putBatch(group);
    } catch (error) {
      if (error instanceof MessageLogError) throw error;
      throw new MessageLogError(`Firehose refused ${records.length} records for ${this.#streamName}`, {
        cause: error,
      });
    }
  }

  /** PutRecordBatch fails record by record: sends again the records it refused. */
  async #putBatch(pieces: Uint8Array[]): Promise<void> {
    let pending = pieces;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.#client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: this.#streamName,
          Records: pending.map((Data) => ({ Data })),
        }),
      );
      if (!out.FailedPutCount) return;
      const refused = pending.filter((_, i) => out.RequestResponses?.[i]?.ErrorCode);
      if (attempt === batchAttempts) {
        const reason = out.RequestResponses?.find((r) => r.ErrorCode)?.ErrorMessage ?? 'no reason given';
        throw new MessageLogError(
          `Firehose refused ${refused.length} of ${pieces.length} records for ${this.#streamName}: ${reason}`,
        );
      }
      pending = refused;
    }
  }
}

/** Groups pieces into PutRecordBatch requests within its count and size limits. */
const batches = (pieces: readonly Uint8Array[]): Uint8Array[][] => {
  const groups: Uint8Array[][] = [];
  let group: Uint8Array[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (group.length === maxBatchRecords || size + piece.length > maxBatchBytes) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(piece);
    size += piece.length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
};
