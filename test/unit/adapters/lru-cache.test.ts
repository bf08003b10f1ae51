import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../shared/adapters/dynamodb/lru-cache.ts';

describe('LruCache', () => {
  it('never holds more than its capacity, forgetting the least recently used first', () => {
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);

    cache.get('a');
    cache.set('d', 4);

    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('stays bounded under a long tail of keys', () => {
    const cache = new LruCache<string, number>(4096);

    for (let i = 0; i < 100_000; i++) cache.set(`target-${i}`, i);

    expect(cache.size).toBe(4096);
    expect(cache.get('target-99999')).toBe(99_999);
    expect(cache.get('target-0')).toBeUndefined();
  });

  it('a set of a known key refreshes it rather than growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);

    cache.set('a', 10);
    cache.set('c', 3);

    expect(cache.get('a')).toBe(10);
    expect(cache.get('b')).toBeUndefined();
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
