import { PutEventsSerializationError, PutEventsValidationError } from './errors.ts';
import type { PutEventsEntry } from './put-events-entry.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './put-events-limits.ts';

const TEXT_FIELDS = ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const;
const KNOWN_FIELDS = new Set<string>([...TEXT_FIELDS, 'Time', 'Resources']);

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

const wrongType = (field: string, expected: string, value: unknown) =>
  new PutEventsSerializationError(`${field}: expected ${expected}, received ${typeOf(value)}`);

/** The JSON protocol sends `Time` as epoch seconds; a JSON `null` member counts as absent. */
const toEntry = (raw: Record<string, unknown>, at: string): PutEventsEntry => {
  const entry: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (value === null || !KNOWN_FIELDS.has(field)) continue;
    if ((TEXT_FIELDS as readonly string[]).includes(field) && typeof value !== 'string')
      throw wrongType(`${at}.${field}`, 'a string', value);
    entry[field] = value;
  }
  if (entry.Time !== undefined) {
    if (typeof entry.Time !== 'number') throw wrongType(`${at}.Time`, 'epoch seconds', entry.Time);
    entry.Time = new Date(entry.Time * 1000);
  }
  const resources = entry.Resources;
  if (resources !== undefined) {
    if (!Array.isArray(resources)) throw wrongType(`${at}.Resources`, 'a list of strings', resources);
    const bad = resources.findIndex((r) => typeof r !== 'string');
    if (bad >= 0) throw wrongType(`${at}.Resources[${bad}]`, 'a string', resources[bad]);
  }
  return entry as PutEventsEntry;
};

/**
 * Reads a PutEvents request body as AWS's JSON protocol does: not JSON, or a member of the wrong
 * type, is a `SerializationException`; a missing or null list or entry, or nesting deeper than
 * EventBridge processes, a `ValidationException`. Each error names the field and the reason.
 */
export const readPutEventsRequest = (body: string): PutEventsEntry[] => {
  if (nestsDeeperThan(body, MAX_JSON_DEPTH))
    throw new PutEventsValidationError(`The request nests JSON deeper than ${MAX_JSON_DEPTH} levels.`);
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch (error) {
    throw new PutEventsSerializationError('The request body is not valid JSON', { cause: error });
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    if (request !== null) throw wrongType('The request body', 'an object', request);
    throw new PutEventsValidationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  const entries = (request as { Entries?: unknown }).Entries;
  if (entries === undefined || entries === null) {
    throw new PutEventsValidationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries)) throw wrongType('Entries', 'a list', entries);
  return entries.map((raw, i) => {
    if (raw === null) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value null at 'entries.${i + 1}.member' failed to satisfy constraint: Member must not be null`,
      );
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) throw wrongType(`Entries[${i}]`, 'an object', raw);
    return toEntry(raw as Record<string, unknown>, `Entries[${i}]`);
  });
};
