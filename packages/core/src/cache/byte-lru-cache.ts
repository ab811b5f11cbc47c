import { InvalidArgumentError } from '../errors';

/**
 * A least-recently-used map bounded by the bytes its values hold, not by their count: one decoded 12-megapixel
 * photo weighs as much as hundreds of small ones. Each entry carries the byte size its owner declares (decoded RGB
 * pixels, kept probabilities); the cache does not measure values. An entry larger than the whole budget is not
 * kept at all. `get` counts as a use, `has` does not.
 *
 * A Map iterates in insertion order, so re-inserting an entry on every use keeps the least recently used first.
 *
 * Runtime-agnostic; exported for the adapters (decoded-image and click-state caches), not part of the SDK's API.
 * @internal
 */
export class ByteLruCache<K, V> {
  /** The byte budget: after every `set`, `totalBytes <= maxBytes`. */
  readonly maxBytes: number;
  readonly #entries = new Map<K, { value: V; bytes: number }>();
  #totalBytes = 0;

  /** @throws InvalidArgumentError unless `maxBytes` is a number >= 0 (0 keeps nothing). */
  constructor(maxBytes: number) {
    if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) {
      throw new InvalidArgumentError(`cache size must be a number of bytes >= 0, got ${String(maxBytes)}`);
    }
    this.maxBytes = maxBytes;
  }

  /** Sum of the declared sizes of the entries kept. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Number of entries kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Whether `key` is kept; does not count as a use. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /**
   * Keeps `value` under `key` as the most recently used entry, replacing any previous value, then evicts the
   * least recently used entries until the budget holds. A value larger than the whole budget is not kept (and any
   * previous value for `key` is dropped). Returns whether the value is kept.
   * @throws InvalidArgumentError unless `bytes` is a finite number >= 0.
   */
  set(key: K, value: V, bytes: number): boolean {
    if (typeof bytes !== 'number' || !(bytes >= 0) || !Number.isFinite(bytes)) {
      throw new InvalidArgumentError(`entry size must be a finite number of bytes >= 0, got ${String(bytes)}`);
    }
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.#entries.set(key, { value, bytes });
    this.#totalBytes += bytes;
    for (const [oldestKey, oldest] of this.#entries) {
      if (this.#totalBytes <= this.maxBytes) break;
      this.#entries.delete(oldestKey);
      this.#totalBytes -= oldest.bytes;
    }
    return true;
  }

  /** Drops `key`; returns whether it was kept. */
  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#totalBytes -= entry.bytes;
    return true;
  }

  /** Drops everything. */
  clear(): void {
    this.#entries.clear();
    this.#totalBytes = 0;
  }
}
