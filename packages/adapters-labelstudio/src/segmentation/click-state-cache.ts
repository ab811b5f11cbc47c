import { ByteLruCache } from '@simpleclick/core/internal';
import { type Click, type ObjectState } from '@simpleclick/core';

/** Fixed overhead counted per cached state (object, key, ROI). */
const STATE_OVERHEAD_BYTES = 512;

/**
 * The predictor state after each click prefix of an object, so that replaying a click list that extends an
 * earlier one by one click costs one model run. Label Studio sends the full click list with every request and no
 * previous mask; the state after clicks 1..k is exactly what the predictor would have after those clicks, so
 * reusing it gives the same mask as replaying from the first click.
 *
 * Keys are the image's content key, the region the model looks at (whole image or box crop) and the clicks in
 * order, in the pixel coordinates the predictor sees. Bounded by the bytes the states hold (LRU).
 */
export class ClickStateCache {
  readonly #cache: ByteLruCache<string, ObjectState>;
  readonly #netPlaneBytes: number;

  /**
   * @param maxBytes - Budget for all states.
   * @param netSizePx - The model's input size S: a state holds at most S x S float32 probabilities.
   */
  constructor(maxBytes: number, netSizePx: number) {
    this.#cache = new ByteLruCache(maxBytes);
    this.#netPlaneBytes = netSizePx * netSizePx * 4;
  }

  get bytes(): number {
    return this.#cache.totalBytes;
  }

  get size(): number {
    return this.#cache.size;
  }

  /**
   * The longest cached prefix of `clicks`: how many clicks it covers (0 when none) and the state after them.
   */
  longestPrefix(scope: string, clicks: readonly Click[]): { clickCount: number; state?: ObjectState } {
    for (let count = clicks.length; count > 0; count--) {
      const state = this.#cache.get(keyOf(scope, clicks, count));
      if (state !== undefined) return { clickCount: count, state };
    }
    return { clickCount: 0 };
  }

  /** Stores the state after the first `clickCount` clicks. */
  set(scope: string, clicks: readonly Click[], clickCount: number, state: ObjectState): void {
    this.#cache.set(keyOf(scope, clicks, clickCount), state, this.#bytesOf(state));
  }

  /**
   * Memory a state holds: its region's float32 values, or, for a region larger than S x S, the S x S network
   * probabilities it keeps instead (the backend reads such states only through `toMask`, `probabilityAt` and the
   * predictor, which never build the region's values).
   */
  #bytesOf(state: ObjectState): number {
    const region = state.probabilityRegion;
    if (region === null) return STATE_OVERHEAD_BYTES;
    if (state.resizedRegionProbabilities !== null) return STATE_OVERHEAD_BYTES + this.#netPlaneBytes;
    return STATE_OVERHEAD_BYTES + (region.rowMax - region.rowMin + 1) * (region.colMax - region.colMin + 1) * 4;
  }
}

function keyOf(scope: string, clicks: readonly Click[], count: number): string {
  let key = scope;
  for (let i = 0; i < count; i++) {
    const { xPx, yPx, isPositive } = clicks[i];
    key += `|${xPx},${yPx},${isPositive ? '+' : '-'}`;
  }
  return key;
}
