/**
 * `wildcard` patterns: `*` matches any run of characters, `\*` a literal star and `\\` a literal
 * backslash. Validation positions and the complexity measure work on UTF-8 bytes of the value in
 * quotes, because that is what EventBridge's matcher walks and what its error messages count.
 */

const STAR = -1;
const QUOTE = 0x22;
const encoder = new TextEncoder();

/** A validated wildcard pattern. */
export interface WildcardPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Literal text between the stars (unescaped); one more entry than there are stars. */
  readonly segments: readonly string[];
  /** UTF-8 bytes of `"source"`, with {@link STAR} for each wildcard; used to measure complexity. */
  readonly tokens: readonly number[];
}

/** Parses and validates a wildcard pattern, or gives AWS's reason for rejecting it. */
export function parseWildcard(source: string): WildcardPattern | { readonly reason: string } {
  const segments: string[] = [];
  const tokens: number[] = [QUOTE];
  let segment = '';
  let bytePos = 1; // the opening quote is byte 0
  const chars = Array.from(source);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    if (ch === '*') {
      if (chars[i + 1] === '*') return { reason: `Consecutive wildcard characters at pos ${bytePos}` };
      segments.push(segment);
      segment = '';
      tokens.push(STAR);
      bytePos += 1;
    } else if (ch === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') return { reason: `Invalid escape character at pos ${bytePos}` };
      segment += next;
      tokens.push(next.charCodeAt(0));
      bytePos += 2;
      i++;
    } else {
      segment += ch;
      const bytes = encoder.encode(ch);
      tokens.push(...bytes);
      bytePos += bytes.length;
    }
  }
  segments.push(segment);
  tokens.push(QUOTE);
  return { source, segments, tokens };
}

/** Whether the whole value matches the wildcard pattern. */
export function matchesWildcard(value: string, pattern: WildcardPattern): boolean {
  const { segments } = pattern;
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last))
    return false;
  // Leftmost placement of each middle segment is optimal when `*` is the only operator.
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const middle = segments[i] ?? '';
    const at = value.indexOf(middle, pos);
    if (at < 0 || at + middle.length > end) return false;
    pos = at + middle.length;
  }
  return true;
}

/**
 * EventBridge refuses rules whose wildcards, on one field, could leave too many partial matches
 * alive at once while reading a single value ("Rule is too complex ..."). This walks every input a
 * field could carry through the patterns' automaton (one state per literal byte read, one per star)
 * and returns the largest weight of a set of live states, where a state about to enter a star also
 * counts the star it can fall into. Stops early once `limit` is exceeded.
 */
export function wildcardComplexity(patterns: readonly WildcardPattern[], limit: number): number {
  const alphabet = new Set<number>();
  for (const p of patterns) for (const t of p.tokens) if (t !== STAR) alphabet.add(t);
  alphabet.add(-2); // stands for every byte no pattern mentions

  const start = patterns.map((_, p) => encode(p, 0, false));
  const seen = new Set<string>();
  const queue: number[][] = [start];
  let worst = 0;
  while (queue.length > 0) {
    const current = queue.pop() ?? [];
    for (const byte of alphabet) {
      const next = step(patterns, current, byte);
      if (next.length === 0) continue;
      worst = Math.max(worst, weight(patterns, next));
      if (worst > limit) return worst;
      const k = next.join(',');
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return worst;
}

// A state is (pattern, index of the next token, inside-the-star flag) packed into one number.
const WIDTH = 1 << 16;
function encode(pattern: number, index: number, inStar: boolean): number {
  return (pattern * WIDTH + index) * 2 + (inStar ? 1 : 0);
}

function step(patterns: readonly WildcardPattern[], states: readonly number[], byte: number): number[] {
  const next = new Set<number>();
  for (const s of states) {
    const inStar = s % 2 === 1;
    const p = Math.floor(s / 2 / WIDTH);
    const i = Math.floor(s / 2) % WIDTH;
    const tokens = patterns[p]?.tokens ?? [];
    const token = tokens[i];
    if (token === STAR) {
      // Before or inside a star: stay in the star, or leave it on the literal that follows.
      next.add(encode(p, i, true));
      if (tokens[i + 1] === byte) next.add(encode(p, i + 2, false));
    } else if (!inStar && token === byte) {
      next.add(encode(p, i + 1, false));
    }
  }
  return [...next].sort((a, b) => a - b);
}

function weight(patterns: readonly WildcardPattern[], states: readonly number[]): number {
  const live = new Set(states);
  let total = states.length;
  for (const s of states) {
    const p = Math.floor(s / 2 / WIDTH);
    const i = Math.floor(s / 2) % WIDTH;
    if (s % 2 === 0 && patterns[p]?.tokens[i] === STAR && !live.has(encode(p, i, true))) total++;
  }
  return total;
}
