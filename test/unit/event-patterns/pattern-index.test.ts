import { describe, expect, it } from 'vitest';
import {
  type CompiledPattern,
  compilePattern,
  InvalidEventError,
  InvalidEventPatternError,
  PatternIndex,
  validateEventEnvelope,
} from '../../../shared/event-patterns/index.ts';

const event = (source: string | string[], detailType: string, detail: object = {}): string =>
  JSON.stringify({
    version: '0',
    id: 'e-1',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2024-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });

/** A deterministic pseudo-random sequence, so the generated rules are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('PatternIndex', () => {
  it('returns the names of matching rules in the order they were added', () => {
    const index = new PatternIndex([
      { name: 'second', pattern: '{"source":["shop"],"detail":{"total":[{"numeric":[">",10]}]}}' },
      { name: 'first', pattern: '{"detail-type":["Order Placed"]}' },
      { name: 'never', pattern: '{"source":["bank"]}' },
      { name: 'any-shop', pattern: '{"source":[{"prefix":"sh"}]}' },
    ]);
    expect(index.matchingRules(event('shop', 'Order Placed', { total: 12 }))).toEqual([
      'second',
      'first',
      'any-shop',
    ]);
    expect(index.matchingRules(event('shop', 'Order Placed', { total: 5 }))).toEqual(['first', 'any-shop']);
  });

  it('agrees with matching every rule one by one, over many generated rules and events', () => {
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const sources = ['shop', 'bank', 'crm', 'mail'];
    const types = ['Created', 'Updated', 'Deleted'];
    const shapes = [
      (s: string, t: string) => ({ source: [s], 'detail-type': [t] }),
      (s: string) => ({ source: [s, 'crm'] }),
      (_s: string, t: string) => ({ 'detail-type': [t], detail: { n: [{ numeric: ['>=', 5] }] } }),
      (s: string) => ({ source: [{ prefix: s.slice(0, 2) }] }),
      (s: string) => ({ source: [{ 'anything-but': s }] }),
      (s: string, t: string) => ({ $or: [{ source: [s] }, { 'detail-type': [t] }] }),
      (s: string, t: string) => ({ $or: [{ source: [s], 'detail-type': [t] }, { source: ['mail'] }] }),
      () => ({ detail: { tag: [{ exists: false }] } }),
      (s: string) => ({ source: [s], detail: { items: { id: [1], ok: [true] } } }),
    ];
    const rules = Array.from({ length: 120 }, (_, i) => ({
      name: `rule-${i}`,
      pattern: JSON.stringify(pick(shapes)(pick(sources), pick(types))),
    }));
    const index = new PatternIndex(rules);
    const compiled = rules.map((r) => ({ name: r.name, pattern: compilePattern(r.pattern) }));

    let matchedSomething = 0;
    for (let i = 0; i < 200; i++) {
      const source = next() < 0.1 ? [pick(sources), pick(sources)] : pick(sources);
      const detail = {
        n: Math.floor(next() * 10),
        ...(next() < 0.5 ? { tag: 'x' } : {}),
        items: [
          { id: 1, ok: next() < 0.5 },
          { id: 2, ok: true },
        ],
      };
      const text = event(source, pick(types), detail);
      const expected = compiled.filter((r) => r.pattern.matches(text)).map((r) => r.name);
      if (expected.length > 0) matchedSomething++;
      expect(index.matchingRules(text)).toEqual(expected);
    }
    expect(matchedSomething).toBeGreaterThan(100);
  });

  it('does not evaluate rules filed under other sources and detail-types', () => {
    let evaluations = 0;
    const real = compilePattern('{"source":["bank"],"detail-type":["Paid"],"detail":{"x":["1"]}}');
    const counting: CompiledPattern = {
      ...real,
      branches: real.branches.map((branch) =>
        branch.map((field) => ({
          ...field,
          matchers: field.matchers.map((m) => ({
            ...m,
            test: (leaf: Parameters<typeof m.test>[0]) => {
              evaluations++;
              return m.test(leaf);
            },
          })),
        })),
      ),
    };
    const index = new PatternIndex([{ name: 'bank-paid', pattern: counting }]);
    expect(index.matchingRules(event('shop', 'Paid', { x: '1' }))).toEqual([]);
    expect(index.matchingRules(event('bank', 'Refunded', { x: '1' }))).toEqual([]);
    expect(evaluations).toBe(0);
    expect(index.matchingRules(event('bank', 'Paid', { x: '1' }))).toEqual(['bank-paid']);
    expect(evaluations).toBeGreaterThan(0);
  });

  it('matches an event whose source is an array by any of its elements', () => {
    const index = new PatternIndex([
      { name: 'crm', pattern: '{"source":["crm"],"detail-type":["Created"]}' },
    ]);
    expect(index.matchingRules(event(['shop', 'crm'], 'Created'))).toEqual(['crm']);
  });

  it('replaces a rule added again under the same name, and removes rules', () => {
    const index = new PatternIndex();
    index.add('r', '{"source":["shop"]}');
    index.add('r', '{"source":["bank"]}');
    expect(index.size).toBe(1);
    expect(index.matchingRules(event('shop', 'Created'))).toEqual([]);
    expect(index.matchingRules(event('bank', 'Created'))).toEqual(['r']);
    expect(index.remove('r')).toBe(true);
    expect(index.remove('r')).toBe(false);
    expect(index.matchingRules(event('bank', 'Created'))).toEqual([]);
  });

  it('refuses an invalid pattern when the rule is added', () => {
    const index = new PatternIndex();
    expect(() => index.add('bad', '{"source":"shop"}')).toThrow(InvalidEventPatternError);
    expect(index.size).toBe(0);
  });

  it('refuses an invalid event', () => {
    const index = new PatternIndex([{ name: 'r', pattern: '{"source":["shop"]}' }]);
    expect(() => index.matchingRules('{"source":"shop"}')).toThrow(InvalidEventError);
  });

  it('accepts an event parsed once for several uses', () => {
    const index = new PatternIndex([{ name: 'r', pattern: '{"detail":{"total":[12.50]}}' }]);
    const parsed = validateEventEnvelope(event('shop', 'Created', { total: 12.5 }));
    expect(index.matchingRules(parsed)).toEqual(['r']);
  });
});
