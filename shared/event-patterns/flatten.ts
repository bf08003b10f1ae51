import { ipToHex } from './ip.ts';
import type { JsonObject, JsonValue } from './json-text.ts';
import { comparableMicros } from './numbers.ts';

/**
 * One leaf value of an event, at a dot-joined path. Objects and arrays are never leaves: patterns
 * (including `exists`) only ever see strings, numbers, booleans and null.
 */
export interface Leaf {
  /** `literal` covers `true`, `false` and `null`, whose text is their JSON spelling. */
  readonly kind: 'string' | 'number' | 'literal';
  /** The decoded string, or the number/literal exactly as written. */
  readonly text: string;
  /**
   * Which element of which array this leaf sits in, as `[arrayId, index, arrayId, index, ...]`.
   * EventBridge refuses to combine leaves from different elements of the same array in one match.
   */
  readonly membership: readonly number[];
  /** Lazily computed millionths (`null`: not numerically comparable). */
  micros?: number | null;
  /** Lazily computed IP address hex (`null`: not an address). */
  ipHex?: string | null;
}

/** An event reduced to its leaves, grouped by dot-joined path. */
export interface FlatEvent {
  readonly fields: ReadonlyMap<string, readonly Leaf[]>;
  /** False when no leaf is inside an array of objects/arrays, which allows a much cheaper match. */
  readonly hasArrayMembership: boolean;
}

const NO_MEMBERSHIP: readonly number[] = [];

/**
 * The paths some patterns read, plus every dot-boundary prefix of them. Flattening skips any
 * member whose path is not in the set: it can hold no leaf those patterns would look at.
 */
export type PathFilter = ReadonlySet<string>;

/** Builds the {@link PathFilter} for a set of field paths. */
export function pathFilterOf(paths: Iterable<string>): PathFilter {
  const wanted = new Set<string>();
  for (const path of paths) {
    wanted.add(path);
    for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1))
      wanted.add(path.slice(0, dot));
  }
  return wanted;
}

/**
 * Flattens an event the way EventBridge does: nested keys are joined with `.` (so `{"a":{"b":1}}`
 * and `{"a.b":1}` are the same field), arrays are transparent, and every element of an array of
 * objects or arrays is remembered so matches can stay within one element.
 *
 * @param filter When given, only paths in it are flattened (everything else is never matched).
 */
export function flattenEvent(root: JsonObject, filter?: PathFilter): FlatEvent {
  const fields = new Map<string, Leaf[]>();
  let arrayCount = 0;
  let hasArrayMembership = false;

  const add = (path: string, leaf: Leaf): void => {
    const list = fields.get(path);
    if (list === undefined) fields.set(path, [leaf]);
    else list.push(leaf);
  };

  // `path` is undefined only for the event itself, so an empty key still gets its dot.
  const visit = (value: JsonValue, path: string | undefined, membership: readonly number[]): void => {
    switch (value.type) {
      case 'object':
        for (const [key, member] of value.members) {
          const memberPath = path === undefined ? key : `${path}.${key}`;
          if (filter === undefined || filter.has(memberPath)) visit(member, memberPath, membership);
        }
        return;
      case 'array': {
        const arrayId = arrayCount++;
        value.items.forEach((item, index) => {
          // Scalars inside an array do not pin an element: only objects and nested arrays do.
          if (item.type === 'object' || item.type === 'array') {
            hasArrayMembership = true;
            visit(item, path, [...membership, arrayId, index]);
          } else {
            visit(item, path, membership);
          }
        });
        return;
      }
      case 'string':
        add(path ?? '', { kind: 'string', text: value.value, membership });
        return;
      case 'number':
        add(path ?? '', { kind: 'number', text: value.text, membership });
        return;
      case 'boolean':
        add(path ?? '', { kind: 'literal', text: value.value ? 'true' : 'false', membership });
        return;
      case 'null':
        add(path ?? '', { kind: 'literal', text: 'null', membership });
        return;
    }
  };

  visit(root, undefined, NO_MEMBERSHIP);
  return { fields, hasArrayMembership };
}

/** Millionths of a number leaf, or `undefined` when it is not a number EventBridge can compare. */
export function leafMicros(leaf: Leaf): number | undefined {
  if (leaf.kind !== 'number') return undefined;
  if (leaf.micros === undefined) leaf.micros = comparableMicros(leaf.text) ?? null;
  return leaf.micros ?? undefined;
}

/** Address hex of a string leaf, or `undefined` when it is not an IP address. */
export function leafIpHex(leaf: Leaf): string | undefined {
  if (leaf.kind !== 'string') return undefined;
  if (leaf.ipHex === undefined) leaf.ipHex = ipToHex(leaf.text) ?? null;
  return leaf.ipHex ?? undefined;
}
