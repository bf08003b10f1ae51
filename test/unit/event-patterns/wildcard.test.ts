import { describe, expect, it } from 'vitest';
import {
  matchesWildcard,
  parseWildcard,
  type WildcardPattern,
  wildcardComplexity,
} from '../../../shared/event-patterns/wildcard.ts';

const pattern = (source: string): WildcardPattern => {
  const parsed = parseWildcard(source);
  if ('reason' in parsed) throw new Error(parsed.reason);
  return parsed;
};

describe('matchesWildcard', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['', '', true],
    ['', 'x', false],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*a', 'a', false],
    ['a*ab*b', 'aabab', true],
    ['/Users/*/doc.txt', '/Users/me/dir/doc.txt', true],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['\\\\*', '\\anything', true],
  ])('%s against %s', (source, value, expected) => {
    expect(matchesWildcard(value, pattern(source))).toBe(expected);
  });
});

describe('parseWildcard', () => {
  it('counts error positions in UTF-8 bytes of the quoted value, as AWS reports them', () => {
    expect(parseWildcard('ab**')).toEqual({ reason: 'Consecutive wildcard characters at pos 3' });
    expect(parseWildcard('€**')).toEqual({ reason: 'Consecutive wildcard characters at pos 4' });
    expect(parseWildcard('a\\')).toEqual({ reason: 'Invalid escape character at pos 2' });
  });
});

describe('wildcardComplexity', () => {
  const complexity = (...sources: string[]): number => wildcardComplexity(sources.map(pattern), 1000);

  it('is small for a single wildcard and grows with wildcards that can restart', () => {
    expect(complexity('metadata/*.json')).toBe(2);
    expect(complexity('arn:aws:events:us-east-1:*:event-bus/*')).toBe(3);
    expect(complexity('*:*:*:*:*:event-bus/*')).toBeGreaterThan(complexity('*:*:*:event-bus/*'));
  });

  it('adds up patterns that share a field', () => {
    expect(complexity('*.bif', '*.tif')).toBeGreaterThan(complexity('*.bif'));
  });

  it('stays within what AWS accepts for accepted rules and above it for refused ones', () => {
    const limit = 10;
    expect(complexity('/Users/*/dir/dir/dir/dir/dir/doc.txt')).toBeLessThanOrEqual(limit);
    expect(complexity('*/init/*', '*/dir/*')).toBeLessThanOrEqual(limit);
    expect(complexity('*.bif', '*.tiff', '*.tif', '*.svs')).toBeLessThanOrEqual(limit);
    expect(complexity('*:*:*:*:*:event-bus/*')).toBeGreaterThan(limit);
    expect(
      complexity('*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs'),
    ).toBeGreaterThan(limit);
  });

  it('stops counting once past the limit', () => {
    const sources = Array.from({ length: 30 }, (_, i) => `*x${i}*`);
    expect(wildcardComplexity(sources.map(pattern), 5)).toBeGreaterThan(5);
  });
});
