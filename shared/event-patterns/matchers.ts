import {
  type FoldedPattern,
  foldedEndsWith,
  foldedEquals,
  foldedStartsWith,
  foldPattern,
} from './case-fold.ts';
import { type Leaf, leafIpHex, leafMicros } from './flatten.ts';
import type { IpRange } from './ip.ts';
import { matchesWildcard, type WildcardPattern } from './wildcard.ts';

/**
 * One alternative of a field's value list in a pattern (`"x"`, `{"prefix": "x"}`, ...). A field
 * matches when any of its matchers accepts any of the field's leaves.
 */
export interface ValueMatcher {
  /** Canonical description: equal ids mean equal matchers. */
  readonly id: string;
  /** Set for a plain exact string match, which lets a rule index use it as a lookup key. */
  readonly exactString?: string;
  /** Wildcard patterns this matcher runs, for the complexity limit. */
  readonly wildcards?: readonly WildcardPattern[];
  /** Whether the matcher accepts the leaf. */
  test(leaf: Leaf): boolean;
}

/** `"value"`: the same string, exactly. */
export function exactString(value: string): ValueMatcher {
  return {
    id: `=${JSON.stringify(value)}`,
    exactString: value,
    test: (leaf) => leaf.kind === 'string' && leaf.text === value,
  };
}

/**
 * A bare number: the same spelling, or (when EventBridge can compare it) the same value, so that
 * `300` matches `300.0` while `123456789012` still matches itself although it is out of range.
 */
export function exactNumber(text: string, micros: number | undefined): ValueMatcher {
  return {
    id: `=${text}`,
    test: (leaf) =>
      leaf.kind === 'number' && (leaf.text === text || (micros !== undefined && leafMicros(leaf) === micros)),
  };
}

/** `true`, `false` or `null`. */
export function exactLiteral(text: 'true' | 'false' | 'null'): ValueMatcher {
  return { id: `=${text}`, test: (leaf) => leaf.kind === 'literal' && leaf.text === text };
}

/** A plain string that is an IP address: matches any spelling of the same address. */
export function exactIp(original: string, hex: string): ValueMatcher {
  return { id: `=${JSON.stringify(original)}`, test: (leaf) => leafIpHex(leaf) === hex };
}

/** `{"cidr": ...}`. */
export function cidr(range: IpRange): ValueMatcher {
  const { bottom, top } = range;
  return {
    id: `cidr:${bottom}-${top}`,
    test: (leaf) => {
      const hex = leafIpHex(leaf);
      return hex !== undefined && hex.length === bottom.length && hex >= bottom && hex <= top;
    },
  };
}

/** `{"prefix": ...}`: strings only. */
export function prefix(value: string): ValueMatcher {
  return {
    id: `prefix:${JSON.stringify(value)}`,
    test: (leaf) => leaf.kind === 'string' && leaf.text.startsWith(value),
  };
}

/** `{"suffix": ...}`: strings only. */
export function suffix(value: string): ValueMatcher {
  return {
    id: `suffix:${JSON.stringify(value)}`,
    test: (leaf) => leaf.kind === 'string' && leaf.text.endsWith(value),
  };
}

/** `{"equals-ignore-case": ...}`. */
export function equalsIgnoreCase(value: string): ValueMatcher {
  const folded = foldPattern(value);
  return {
    id: `eic:${JSON.stringify(value)}`,
    test: (leaf) => leaf.kind === 'string' && foldedEquals(leaf.text, folded),
  };
}

/** `{"prefix": {"equals-ignore-case": ...}}`. */
export function prefixIgnoreCase(value: string): ValueMatcher {
  const folded = foldPattern(value);
  return {
    id: `prefix-eic:${JSON.stringify(value)}`,
    test: (leaf) => leaf.kind === 'string' && foldedStartsWith(leaf.text, folded),
  };
}

/** `{"suffix": {"equals-ignore-case": ...}}`. */
export function suffixIgnoreCase(value: string): ValueMatcher {
  const folded = foldPattern(value);
  return {
    id: `suffix-eic:${JSON.stringify(value)}`,
    test: (leaf) => leaf.kind === 'string' && foldedEndsWith(leaf.text, folded),
  };
}

/** `{"wildcard": ...}`. */
export function wildcard(pattern: WildcardPattern): ValueMatcher {
  return {
    id: `wildcard:${JSON.stringify(pattern.source)}`,
    wildcards: [pattern],
    test: (leaf) => leaf.kind === 'string' && matchesWildcard(leaf.text, pattern),
  };
}

/** One end of a numeric range, in millionths. */
export interface Bound {
  readonly micros: number;
  readonly open: boolean;
}

/** `{"numeric": [...]}`: numbers only, compared as values. */
export function numericRange(lower: Bound, upper: Bound): ValueMatcher {
  return {
    id: `numeric:${lower.open ? '(' : '['}${lower.micros},${upper.micros}${upper.open ? ')' : ']'}`,
    test: (leaf) => {
      const v = leafMicros(leaf);
      if (v === undefined) return false;
      return (
        (lower.open ? v > lower.micros : v >= lower.micros) &&
        (upper.open ? v < upper.micros : v <= upper.micros)
      );
    },
  };
}

/** `{"numeric": ["=", n]}`. */
export function numericEquals(micros: number): ValueMatcher {
  return { id: `numeric:=${micros}`, test: (leaf) => leafMicros(leaf) === micros };
}

/** `{"exists": true}`: any leaf at all, `null` included. */
export function exists(): ValueMatcher {
  return { id: 'exists', test: () => true };
}

/*
 * anything-but: the field must be present, and the leaf must not be one of the excluded values.
 * Exclusions only bite on leaves of their own kind, so `{"anything-but": "x"}` accepts numbers,
 * booleans and null.
 */

/** `{"anything-but": "x"}` / `{"anything-but": ["x", "y"]}`. */
export function anythingButStrings(values: ReadonlySet<string>): ValueMatcher {
  return {
    id: `not=${JSON.stringify([...values].sort())}`,
    test: (leaf) => !(leaf.kind === 'string' && values.has(leaf.text)),
  };
}

/** `{"anything-but": 1}` / `{"anything-but": [1, 2]}`, compared as values. */
export function anythingButNumbers(micros: ReadonlySet<number>): ValueMatcher {
  return {
    id: `not#${[...micros].sort((a, b) => a - b).join(',')}`,
    test: (leaf) => {
      const v = leafMicros(leaf);
      return v === undefined || !micros.has(v);
    },
  };
}

/** `{"anything-but": {"prefix": ...}}` with one value or a list. */
export function anythingButPrefix(values: readonly string[]): ValueMatcher {
  return {
    id: `not-prefix:${JSON.stringify([...values].sort())}`,
    test: (leaf) => !(leaf.kind === 'string' && values.some((v) => leaf.text.startsWith(v))),
  };
}

/** `{"anything-but": {"suffix": ...}}` with one value or a list. */
export function anythingButSuffix(values: readonly string[]): ValueMatcher {
  return {
    id: `not-suffix:${JSON.stringify([...values].sort())}`,
    test: (leaf) => !(leaf.kind === 'string' && values.some((v) => leaf.text.endsWith(v))),
  };
}

/** `{"anything-but": {"equals-ignore-case": ...}}` with one value or a list. */
export function anythingButIgnoreCase(values: readonly string[]): ValueMatcher {
  const folded: FoldedPattern[] = values.map(foldPattern);
  return {
    id: `not-eic:${JSON.stringify([...values].sort())}`,
    test: (leaf) => !(leaf.kind === 'string' && folded.some((f) => foldedEquals(leaf.text, f))),
  };
}

/** `{"anything-but": {"wildcard": ...}}` with one value or a list. */
export function anythingButWildcard(patterns: readonly WildcardPattern[]): ValueMatcher {
  return {
    id: `not-wildcard:${JSON.stringify(patterns.map((p) => p.source).sort())}`,
    wildcards: patterns,
    test: (leaf) => !(leaf.kind === 'string' && patterns.some((p) => matchesWildcard(leaf.text, p))),
  };
}
