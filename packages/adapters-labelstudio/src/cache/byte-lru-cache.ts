import { InvalidArgumentError } from '@simpleclick/core';

/**
 * A least-recently-used map bounded by the bytes its values hold (as the caller measures them), not by their
 * count: one decoded 12-megapixel photo weighs as much as hundreds of small ones. An entry larger than the
 * whole budget is not kept at all. `get` counts as a use.
 */
export class ByteLruCache<K, V> {
  /** The most bytes the entries may hold together. */
  readonly maxBytes: number;
  readonly #entries = new Map<K, { value: V; bytes: number }>();
  #bytes = 0;

  constructor(maxBytes: number) {
    if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) {
      throw new InvalidArgumentError(`cache size must be a number of bytes >= 0, got ${String(maxBytes)}`);
    }
    this.maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /**
   * Stores `value` as the most recently used entry, then evicts the least recently used ones until the total
   * fits. Returns false (and keeps nothing under `key`) when `bytes` alone exceeds {@link maxBytes}.
   */
  set(key: K, value: V, bytes: number): boolean {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) {
      throw new InvalidArgumentError(`entry size must be a finite number of bytes >= 0, got ${String(bytes)}`);
    }
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldestKey, oldest] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldestKey);
      this.#bytes -= oldest.bytes;
    }
    return true;
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
