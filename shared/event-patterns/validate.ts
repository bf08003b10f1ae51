import { InvalidEventError, JsonSyntaxError } from './errors.ts';
import { type FlatEvent, flattenEvent, type PathFilter } from './flatten.ts';
import { fromPlainValue, type JsonObject, parseJson, stringifyJson } from './json-text.ts';

/** Top-level fields every EventBridge event must carry (their type is not checked by AWS). */
export const ENVELOPE_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/** An event that passed envelope validation, parsed once and flattened on first use. */
export class ParsedEvent {
  /** The event as a JSON tree that keeps number spelling and key order. */
  readonly root: JsonObject;
  private flattened: FlatEvent | undefined;
  private filtered: { readonly filter: PathFilter; readonly flat: FlatEvent } | undefined;

  constructor(root: JsonObject) {
    this.root = root;
  }

  /** Leaves by path, shared by every pattern matched against this event. */
  get flat(): FlatEvent {
    this.flattened ??= flattenEvent(this.root);
    return this.flattened;
  }

  /** Only the leaves under the filter's paths (cheaper for large events); the last result is kept. */
  flatFor(filter: PathFilter): FlatEvent {
    if (this.flattened !== undefined) return this.flattened;
    if (this.filtered?.filter !== filter) this.filtered = { filter, flat: flattenEvent(this.root, filter) };
    return this.filtered.flat;
  }

  /** Minified JSON of the event, numbers spelled as received. */
  toJson(): string {
    return stringifyJson(this.root);
  }
}

/**
 * Checks an event the way EventBridge does before matching it: it must be a JSON object carrying
 * `id`, `account`, `source`, `time`, `region` and `detail-type`. Throws {@link InvalidEventError}
 * (`Parameter Event is not valid.`) otherwise, and returns the parsed event for reuse.
 *
 * @param event JSON text (preferred: number spelling is kept), an already parsed event, or a plain
 *   object such as `JSON.parse` returns.
 */
export function validateEventEnvelope(event: string | ParsedEvent | object): ParsedEvent {
  if (event instanceof ParsedEvent) return event;
  let root: unknown;
  try {
    root = typeof event === 'string' ? parseJson(event) : fromPlainValue(event);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InvalidEventError(`Event is not JSON: ${error.message}`);
    throw error;
  }
  if (!isJsonObject(root)) throw new InvalidEventError('Event is not a JSON object');
  const missing = ENVELOPE_FIELDS.filter((field) => !root.members.has(field));
  if (missing.length > 0) throw new InvalidEventError(`Event lacks ${missing.join(', ')}`);
  return new ParsedEvent(root);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'object';
}
