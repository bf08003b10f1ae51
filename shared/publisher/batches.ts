import type { PutEventsEntry } from '../local/bus/put-events-entry.ts';
import { entrySize, MAX_ENTRIES, MAX_REQUEST_ENTRY_BYTES } from '../local/bus/put-events-limits.ts';

/** One PutEvents request's worth of entries, each with the caller's index. */
export type Batch<T extends { readonly entry: PutEventsEntry }> = readonly T[];

/**
 * Packs entries, in order, into PutEvents requests AWS accepts: at most {@link MAX_ENTRIES}
 * entries and {@link MAX_REQUEST_ENTRY_BYTES} by EventBridge's entry-size formula (the same
 * `entrySize` the local bus enforces). An entry over the limit on its own must be set aside by
 * the caller first: it would make a request of its own that AWS refuses.
 */
export const packBatches = <T extends { readonly entry: PutEventsEntry }>(
  items: readonly T[],
): Batch<T>[] => {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(item.entry);
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + size > MAX_REQUEST_ENTRY_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/** Whether one entry alone exceeds what a request may hold. */
export const isOversize = (entry: PutEventsEntry): boolean => entrySize(entry) > MAX_REQUEST_ENTRY_BYTES;
