import type { LinearAxisWeights } from './resize-bilinear';

/** Source taps per output index of an {@link ComposedAxisTaps} table (two outer taps times two inner taps). */
export const TAPS_PER_OUTPUT = 4;

/**
 * A linear resampling of one axis as explicit taps: output `d` is `sum over k < 4` of
 * `weight[4 d + k] * source[index[4 d + k]]`. Unused taps have weight 0 and repeat a used index (or 0), so a
 * kernel can run all four without branches.
 */
export interface ComposedAxisTaps {
  readonly index: Int32Array;
  readonly weight: Float64Array;
  /** The most taps any output uses (1 to 4): taps `k >= tapCount` of every output have weight 0. */
  tapCount: number;
}

/**
 * One axis of "crop an intermediate axis, then resize it with `outer`", where the intermediate axis is itself
 * `inner` applied to a source axis (or the source itself when `inner` is null), and is zero outside
 * `0 <= q < innerSize`: outer tap `i` reads intermediate index `q = i + shift`. The composition of two linear
 * interpolations is linear, with at most 2 x 2 source taps per output; this folds them into one table, so that
 * a resize of a resize is one separable pass over the source (see `resampleSeparable`).
 *
 * SimpleClick's predictor uses it for the previous-probability channel on its fast path: the previous
 * prediction's S x S probabilities, resized to its ROI and pasted into zeros, then cropped to the new ROI and
 * resized to S x S, without the ROI-size intermediate.
 *
 * Arithmetic is plain float64 (weights are products of the two tables' weights), so values may differ from
 * running the two exact kernels in turn in the last float32 bits.
 *
 * @param into - Reused when it has room for `outer`'s length (avoids per-click allocation).
 */
export function composeAxisTaps(
  outer: LinearAxisWeights,
  shift: number,
  innerSize: number,
  inner: LinearAxisWeights | null,
  into?: ComposedAxisTaps,
): ComposedAxisTaps {
  const count = outer.index0.length;
  const taps =
    into !== undefined && into.index.length === TAPS_PER_OUTPUT * count
      ? into
      : {
          index: new Int32Array(TAPS_PER_OUTPUT * count),
          weight: new Float64Array(TAPS_PER_OUTPUT * count),
          tapCount: 1,
        };
  const { index, weight } = taps;
  let tapCount = 1;
  for (let d = 0; d < count; d++) {
    const base = TAPS_PER_OUTPUT * d;
    let used = 0;
    // Adds weight w at source index j, merging with a tap already at j (the inner taps of two neighbouring
    // intermediate indices often share a source index).
    const add = (j: number, w: number): void => {
      if (w === 0) return;
      for (let k = 0; k < used; k++) {
        if (index[base + k] === j) {
          weight[base + k] += w;
          return;
        }
      }
      index[base + used] = j;
      weight[base + used] = w;
      used++;
    };
    for (let side = 0; side < 2; side++) {
      const q = (side === 0 ? outer.index0[d] : outer.index1[d]) + shift;
      const w = side === 0 ? outer.lambda0[d] : outer.lambda1[d];
      // Both outer taps can be the same index (last index, or sizes equal): their weights then add up.
      if (q < 0 || q >= innerSize || w === 0) continue;
      if (inner === null) add(q, w);
      else {
        add(inner.index0[q], w * inner.lambda0[q]);
        add(inner.index1[q], w * inner.lambda1[q]);
      }
    }
    if (used > tapCount) tapCount = used;
    const filler = used > 0 ? index[base] : 0;
    for (let k = used; k < TAPS_PER_OUTPUT; k++) {
      index[base + k] = filler;
      weight[base + k] = 0;
    }
  }
  taps.tapCount = tapCount;
  return taps;
}
