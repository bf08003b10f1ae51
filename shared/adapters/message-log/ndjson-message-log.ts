import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageLogError } from '../../domain/engagement/errors.ts';
import type { MessageLog, MessageRecord } from '../../domain/engagement/message-log.ts';
import { dayColumn, dayOf } from './queries.ts';

/** The folder of the records under a runtime's data folder, partitioned as on S3 (`day=YYYY-MM-DD`). */
export const messagesDir = (dataDir: string): string => join(dataDir, 'messages');

/**
 * The message log on local files: each batch appended as NDJSON lines to
 * `<dataDir>/messages/day=YYYY-MM-DD/<part>.ndjson`, the day of each record's time (UTC), the
 * layout Firehose gives S3, so the same queries read both. Appends are serialised, so lines of
 * two batches never interleave; `part` is unique per log, so two processes never share a file.
 */
export class NdjsonMessageLog implements MessageLog {
  readonly #dataDir: string;
  readonly #part: string;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, part = `${process.pid}-${randomUUID().slice(0, 8)}`) {
    this.#dataDir = dataDir;
    this.#part = part;
  }

  append(records: readonly MessageRecord[]): Promise<void> {
    const written = this.#tail.then(() => this.#write(records));
    // A failed append fails its caller, not the appends queued behind it.
    this.#tail = written.catch(() => undefined);
    return written;
  }

  async #write(records: readonly MessageRecord[]): Promise<void> {
    const byDay = new Map<string, string[]>();
    for (const record of records) {
      const day = dayOf(record.time);
      byDay.set(day, [...(byDay.get(day) ?? []), `${JSON.stringify(record)}\n`]);
    }
    try {
      for (const [day, lines] of byDay) {
        const dir = join(messagesDir(this.#dataDir), `${dayColumn}=${day}`);
        await mkdir(dir, { recursive: true });
        await appendFile(join(dir, `${this.#part}.ndjson`), lines.join(''));
      }
    } catch (error) {
      throw new MessageLogError(`could not append ${records.length} records under ${this.#dataDir}`, {
        cause: error,
      });
    }
  }
}
