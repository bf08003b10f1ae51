import { InvalidEventPatternError } from './errors.ts';
import type { Branch } from './match.ts';
import { type WildcardPattern, wildcardComplexity } from './wildcard.ts';

// Largest wildcard complexity AWS accepts on one field, calibrated against AWS verdicts: the
// corpus's `*:*:*:*:*:event-bus/*` (11) and four `*/datasync/*.ext` patterns on one key (16) are
// refused, while `*/init/*` with `*/dir/*` (7) and four `*.ext` patterns (8) are accepted.
/** Largest wildcard complexity EventBridge accepts on one field. */
export const MAX_WILDCARD_COMPLEXITY = 10;

const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/**
 * Throws when wildcards that share one field of one branch (AWS evaluates them together) are
 * too complex. Branches that agree on every earlier field share that field's matcher in AWS's
 * state machine, so they are measured together too.
 */
export function checkWildcardComplexity(branches: readonly Branch[]): void {
  const groups = new Map<string, Map<string, WildcardPattern>>();
  for (const branch of branches) {
    let before = '';
    for (const field of branch) {
      const key = `${before}|${field.path}`;
      for (const matcher of field.matchers) {
        for (const pattern of matcher.wildcards ?? []) {
          const group = groups.get(key) ?? new Map<string, WildcardPattern>();
          groups.set(key, group);
          group.set(pattern.source, pattern);
        }
      }
      before = `${key}=${field.matchers.map((m) => m.id).join(';')}${field.matchesAbsence ? ';absent' : ''}`;
    }
  }
  for (const group of groups.values()) {
    const patterns = [...group.values()];
    // Star-free patterns keep one live state each, so a few of them cannot reach the limit.
    if (patterns.length <= MAX_WILDCARD_COMPLEXITY && patterns.every((p) => p.segments.length === 1))
      continue;
    if (wildcardComplexity(patterns, MAX_WILDCARD_COMPLEXITY) > MAX_WILDCARD_COMPLEXITY) {
      throw new InvalidEventPatternError(TOO_COMPLEX);
    }
  }
}
