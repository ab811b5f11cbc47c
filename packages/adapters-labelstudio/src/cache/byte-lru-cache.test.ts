import { describe, expect, it } from 'vitest';
import { ByteLruCache } from './byte-lru-cache';

describe('ByteLruCache', () => {
  it('evicts the least recently used entries until the bytes fit', () => {
    const cache = new ByteLruCache<string, number>(100);
    cache.set('a', 1, 40);
    cache.set('b', 2, 40);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3, 40); // 120 > 100: b goes
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
    expect(cache.bytes).toBe(80);
    expect(cache.size).toBe(2);
  });

  it('replacing a key updates its size; an entry over the budget is not kept', () => {
    const cache = new ByteLruCache<string, string>(50);
    cache.set('a', 'x', 10);
    cache.set('a', 'y', 30);
    expect(cache.bytes).toBe(30);
    expect(cache.set('huge', 'z', 51)).toBe(false);
    expect(cache.has('huge')).toBe(false);
    expect(cache.get('a')).toBe('y');
    cache.delete('a');
    expect(cache.bytes).toBe(0);
  });

  it('refuses bad sizes', () => {
    expect(() => new ByteLruCache(-1)).toThrow(/bytes >= 0/);
    expect(() => new ByteLruCache(10).set('a', 1, Number.NaN)).toThrow(/finite/);
  });
});
