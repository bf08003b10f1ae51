import type { PutEventsEntry } from './put-events-entry.ts';

/** PutEvents takes one to ten entries per request. */
export const MAX_ENTRIES = 10;

/**
 * The entries of one request must total at most 1 MB by EventBridge's entry-size formula (256 KB
 * until AWS raised the event size limit on 29 January 2026).
 */
export const MAX_REQUEST_ENTRY_BYTES = 1024 * 1024;

/** EventBridge processes JSON nested at most this deep. */
export const MAX_JSON_DEPTH = 1000;

// Ill-typed fields count nothing here: the entry's own check refuses them.
const utf8Bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

/**
 * The size EventBridge counts for an entry: 14 bytes for a `Time`, plus the UTF-8 bytes of
 * `Source`, `DetailType`, `Detail` and each resource. Bus name and trace header do not count.
 */
export const entrySize = (entry: PutEventsEntry): number =>
  (entry.Time === undefined ? 0 : 14) +
  utf8Bytes(entry.Source) +
  utf8Bytes(entry.DetailType) +
  utf8Bytes(entry.Detail) +
  (Array.isArray(entry.Resources) ? entry.Resources : []).reduce((sum, r) => sum + utf8Bytes(r), 0);

/**
 * Whether JSON text nests objects and arrays deeper than `max`, found by one scan of the text:
 * parsing or printing such a document first would recurse past the call stack.
 */
export const nestsDeeperThan = (json: string, max: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
};
