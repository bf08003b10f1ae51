/**
 * Case-insensitive comparison the way EventBridge does it: each character of the pattern accepts
 * its lower-case or its upper-case form (which may be several characters, as `ß` → `SS`), and
 * nothing else. That is not the same as comparing `toLowerCase()` of both sides, so it is spelled
 * out here.
 */

/** A pattern compiled for case-insensitive matching: the accepted spellings of each character. */
export interface FoldedPattern {
  readonly spellings: readonly (readonly string[])[];
  /** Every spelling is one UTF-16 unit, so matches have the pattern's length (the common, fast case). */
  readonly fixedWidth: boolean;
}

/** Compiles a pattern string for {@link foldedEquals}, {@link foldedStartsWith}, {@link foldedEndsWith}. */
export function foldPattern(pattern: string): FoldedPattern {
  const spellings: string[][] = [];
  let fixedWidth = true;
  for (const ch of pattern) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    const options = lower === upper ? [lower] : [lower, upper];
    if (options.some((o) => o.length !== 1)) fixedWidth = false;
    spellings.push(options);
  }
  return { spellings, fixedWidth };
}

/** Whether the whole value matches the pattern, ignoring case. */
export function foldedEquals(value: string, pattern: FoldedPattern): boolean {
  if (pattern.fixedWidth) {
    return value.length === pattern.spellings.length && fixedMatchAt(value, 0, pattern);
  }
  return forwardEnds(value, pattern).has(value.length);
}

/** Whether the value starts with the pattern, ignoring case. */
export function foldedStartsWith(value: string, pattern: FoldedPattern): boolean {
  if (pattern.fixedWidth) {
    return value.length >= pattern.spellings.length && fixedMatchAt(value, 0, pattern);
  }
  return forwardEnds(value, pattern).size > 0;
}

/** Whether the value ends with the pattern, ignoring case. */
export function foldedEndsWith(value: string, pattern: FoldedPattern): boolean {
  const width = pattern.spellings.length;
  if (pattern.fixedWidth) return value.length >= width && fixedMatchAt(value, value.length - width, pattern);
  // Walk backwards from the end: positions are where the not-yet-matched part of the value ends.
  let positions = new Set([value.length]);
  for (let i = width - 1; i >= 0 && positions.size > 0; i--) {
    const next = new Set<number>();
    for (const end of positions) {
      for (const spelling of pattern.spellings[i] ?? []) {
        const start = end - spelling.length;
        if (start >= 0 && value.startsWith(spelling, start)) next.add(start);
      }
    }
    positions = next;
  }
  return positions.size > 0;
}

function fixedMatchAt(value: string, offset: number, pattern: FoldedPattern): boolean {
  const { spellings } = pattern;
  for (let i = 0; i < spellings.length; i++) {
    const ch = value[offset + i];
    const options = spellings[i] ?? [];
    if (ch !== options[0] && ch !== options[1]) return false;
  }
  return true;
}

// Alternatives can differ in length, so several positions in the value may be live at once.
function forwardEnds(value: string, pattern: FoldedPattern): Set<number> {
  let positions = new Set([0]);
  for (const spellings of pattern.spellings) {
    const next = new Set<number>();
    for (const start of positions) {
      for (const spelling of spellings) {
        if (value.startsWith(spelling, start)) next.add(start + spelling.length);
      }
    }
    positions = next;
    if (positions.size === 0) break;
  }
  return positions;
}
