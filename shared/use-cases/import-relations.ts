import { z } from 'zod';
import type { Relation, RelationStore } from '../domain/relations/relation.ts';

export type ImportFormat = 'ndjson' | 'csv';

/** One line of an import file, as written: `since` and `expiresAt` are ISO 8601 instants. */
const importLine = z.object({
  type: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  since: z.iso.datetime({ offset: true }).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const csvColumns = ['type', 'from', 'to', 'since', 'expiresAt'] as const;

/** A line that was not imported: where, which field, why. */
export interface BadLine {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ImportProgress {
  readonly imported: number;
  readonly bad: number;
  /** Bytes of the file read so far, for a progress bar over the file's size. */
  readonly bytesRead: number;
}

export interface ImportReport {
  readonly imported: number;
  readonly bad: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface ImportDeps {
  readonly relations: Pick<RelationStore, 'importRelations' | 'startLayout'>;
  /**
   * Targets known to be hot, by the shard count each starts on before its first relation is
   * written: new targets only (RelationStore.startLayout). Written to one shard and promoted
   * later, their followers would each be moved once and every later write would also tombstone
   * the old position.
   */
  readonly layouts?: ReadonlyMap<string, number>;
  /** Batches in flight at once. */
  readonly concurrency: number;
  /** When a relation has no `since`: the import's start. */
  readonly now: Date;
  readonly onBadLine: (bad: BadLine) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** BatchWriteItem's limit: one batch of relations is one request when no target was promoted. */
export const IMPORT_BATCH = 25;

/** Splits a CSV line, honouring double quotes (`"a,b"`, `""` for a quote). */
const csvCells = (line: string): string[] => {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
};

type Parsed = { relation: Relation } | { bad: Omit<BadLine, 'line'> } | { skip: true };

/** Reads one line of a file: a relation, a bad line, or nothing (blank lines, the CSV header). */
const lineParser = (format: ImportFormat, now: Date) => {
  let header: string[] | undefined;
  return (text: string): Parsed => {
    if (text.trim() === '') return { skip: true };
    let raw: unknown;
    if (format === 'ndjson') {
      try {
        raw = JSON.parse(text);
      } catch {
        return { bad: { field: '(line)', message: 'not JSON' } };
      }
    } else if (!header) {
      header = csvCells(text).map((h) => h.trim());
      const missing = ['type', 'from', 'to'].filter((c) => !header!.includes(c));
      if (missing.length > 0) return { bad: { field: missing[0]!, message: 'missing from the CSV header' } };
      return { skip: true };
    } else {
      const cells = csvCells(text);
      // Empty cells are absent fields, as in JSON.
      raw = Object.fromEntries(header.flatMap((h, i) => (cells[i] ? [[h, cells[i]!.trim()]] : [])));
    }
    const parsed = importLine.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { bad: { field: issue.path.join('.') || '(line)', message: issue.message } };
    }
    const { type, from, to, since, expiresAt } = parsed.data;
    return {
      relation: {
        type,
        from,
        to,
        since: since ? new Date(since) : now,
        ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
      },
    };
  };
};

/** FNV-1a of a relation's identity: which lane writes it. */
const laneOf = (relation: Relation, lanes: number): number => {
  const key = `${relation.type}\u0000${relation.from}\u0000${relation.to}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
};

/**
 * Imports a relation file, line by line, in constant memory: each valid line goes to one of
 * `concurrency` lanes (by the relation's identity), and a lane writes its batches of 25 one after
 * the other, so the lanes write in parallel while two lines for one relation are always written
 * in file order (the later line wins). A bad line is reported and skipped; it never stops the
 * import. Reading waits when a lane with a full batch is still writing the previous one.
 */
export const importRelations = async (
  lines: AsyncIterable<string>,
  format: ImportFormat,
  deps: ImportDeps,
): Promise<ImportReport> => {
  const started = performance.now();
  const parse = lineParser(format, deps.now);
  const lanes = Array.from({ length: Math.max(1, deps.concurrency) }, () => ({
    batch: [] as Relation[],
    writing: Promise.resolve(),
  }));
  let imported = 0;
  let bad = 0;
  let bytesRead = 0;
  let lineNumber = 0;
  const laidOut = new Set<string>();
  const report = () => deps.onProgress?.({ imported, bad, bytesRead });
  // The first write that fails for good (retries spent) stops the import; the other lanes settle.
  let failure: { error: unknown } | undefined;
  const flush = (lane: (typeof lanes)[number]) => {
    const batch = lane.batch;
    lane.batch = [];
    lane.writing = lane.writing.then(async () => {
      if (failure) return;
      try {
        await deps.relations.importRelations(batch);
        imported += batch.length;
        report();
      } catch (error) {
        failure ??= { error };
      }
    });
  };

  for await (const text of lines) {
    if (failure) break;
    lineNumber++;
    bytesRead += Buffer.byteLength(text) + 1;
    const parsed = parse(text);
    if ('skip' in parsed) continue;
    if ('bad' in parsed) {
      bad++;
      deps.onBadLine({ line: lineNumber, ...parsed.bad });
      continue;
    }
    const shards = deps.layouts?.get(parsed.relation.to);
    if (shards !== undefined && !laidOut.has(parsed.relation.to)) {
      laidOut.add(parsed.relation.to);
      try {
        await deps.relations.startLayout(parsed.relation.type, parsed.relation.to, shards);
      } catch (error) {
        failure ??= { error };
        break;
      }
    }
    const lane = lanes[laneOf(parsed.relation, lanes.length)]!;
    lane.batch.push(parsed.relation);
    if (lane.batch.length < IMPORT_BATCH) continue;
    // Backpressure: a lane holds at most one batch writing and one filling.
    await lane.writing;
    flush(lane);
  }
  for (const lane of lanes) if (lane.batch.length > 0) flush(lane);
  await Promise.all(lanes.map((lane) => lane.writing));
  if (failure) throw failure.error;
  report();
  const seconds = (performance.now() - started) / 1000;
  return { imported, bad, seconds, perSecond: seconds > 0 ? imported / seconds : imported };
};
