import { describe, expect, it } from 'vitest';
import { ByteLruCache } from './byte-lru-cache';

describe('ByteLruCache', () => {
  it('evicts the least recently used entries until the byte budget holds', () => {
    const cache = new ByteLruCache<string, number>(10);
    cache.set('a', 1, 4);
    cache.set('b', 2, 4);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3, 4);
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
    expect(cache.totalBytes).toBe(8);
    expect(cache.size).toBe(2);
  });

  it('evicts the least recently used entries until the bytes fit (larger sizes)', () => {
    const cache = new ByteLruCache<string, number>(100);
    cache.set('a', 1, 40);
    cache.set('b', 2, 40);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3, 40); // 120 > 100: b goes
    expect(cache.has('b')).toBe(false);
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
    expect(cache.totalBytes).toBe(80);
    expect(cache.size).toBe(2);
  });

  it('replaces a key with its new size, refuses values over the whole budget, and clears', () => {
    const cache = new ByteLruCache<string, string>(10);
    cache.set('a', 'x', 3);
    cache.set('a', 'y', 6);
    expect(cache.totalBytes).toBe(6);
    expect(cache.get('a')).toBe('y');
    expect(cache.set('big', 'z', 11)).toBe(false);
    expect(cache.has('big')).toBe(false);
    expect(cache.set('a', 'too big now', 11)).toBe(false);
    expect(cache.has('a')).toBe(false);
    cache.set('b', 'w', 2);
    expect(cache.delete('b')).toBe(true);
    expect(cache.delete('b')).toBe(false);
    cache.set('c', 'v', 2);
    cache.clear();
    expect([cache.size, cache.totalBytes]).toEqual([0, 0]);
  });

  it('replacing a key updates its size; an entry over the budget is not kept; delete frees its bytes', () => {
    const cache = new ByteLruCache<string, string>(50);
    cache.set('a', 'x', 10);
    cache.set('a', 'y', 30);
    expect(cache.totalBytes).toBe(30);
    expect(cache.set('huge', 'z', 51)).toBe(false);
    expect(cache.has('huge')).toBe(false);
    expect(cache.get('a')).toBe('y');
    cache.delete('a');
    expect(cache.totalBytes).toBe(0);
  });

  it('with a zero budget keeps nothing; checks its sizes', () => {
    const cache = new ByteLruCache<string, number>(0);
    expect(cache.set('a', 1, 1)).toBe(false);
    expect(cache.set('empty', 1, 0)).toBe(true);
    expect(() => new ByteLruCache(-1)).toThrow(/cache size/);
    expect(() => cache.set('a', 1, Number.NaN)).toThrow(/entry size/);
  });

  it('refuses bad sizes', () => {
    expect(() => new ByteLruCache(-1)).toThrow(/bytes >= 0/);
    expect(() => new ByteLruCache(10).set('a', 1, Number.NaN)).toThrow(/finite/);
  });
});
