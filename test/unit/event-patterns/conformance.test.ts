import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  InvalidEventError,
  InvalidEventPatternError,
  testEventPattern,
} from '../../../shared/event-patterns/index.ts';

type Verdict = 'match' | 'no_match' | 'invalid' | 'invalid_event';

interface ConformanceCase {
  readonly id: string;
  readonly expected: Verdict;
  readonly event_json: string;
  readonly pattern_json: string;
  readonly aws_error?: { readonly code: string; readonly message: string };
}

const cases: ConformanceCase[] = JSON.parse(
  readFileSync(new URL('../../fixtures/eventbridge-conformance/cases.json', import.meta.url), 'utf8'),
);

/** What the local implementation answers, in the corpus's vocabulary. */
function localVerdict(c: ConformanceCase): { verdict: Verdict; message?: string } {
  try {
    return { verdict: testEventPattern(c.pattern_json, c.event_json) ? 'match' : 'no_match' };
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return { verdict: 'invalid', message: error.message };
    if (error instanceof InvalidEventError) return { verdict: 'invalid_event', message: error.message };
    throw error;
  }
}

describe('EventBridge conformance corpus (verdicts recorded from AWS TestEventPattern)', () => {
  it('contains the cases its README announces', () => {
    const counts = Object.groupBy(cases, (c) => c.expected);
    expect(cases).toHaveLength(168);
    expect(counts.match).toHaveLength(71);
    expect(counts.no_match).toHaveLength(52);
    expect(counts.invalid).toHaveLength(42);
    expect(counts.invalid_event).toHaveLength(3);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { verdict, message } = localVerdict(c);
    expect(verdict).toBe(c.expected);
    // AWS's own wording, reason included, for every rejection.
    if (c.aws_error) expect(message).toBe(c.aws_error.message);
  });
});
