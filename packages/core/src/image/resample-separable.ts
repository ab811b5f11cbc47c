import { InvalidArgumentError } from '../errors';
import { TAPS_PER_OUTPUT, type ComposedAxisTaps } from './composed-axis-taps';
import type { FloatPlaneWindow } from './resize-bilinear';

/** Reusable buffers of {@link resampleSeparable}; grows as needed, never shrinks. */
export class SeparableScratch {
  #rows = new Float32Array(0);
  #needed = new Uint8Array(0);

  /** A buffer of at least `length` floats (contents undefined). */
  rows(length: number): Float32Array {
    if (this.#rows.length < length) this.#rows = new Float32Array(length);
    return this.#rows;
  }

  /** A zeroed buffer of exactly the first `length` bytes in use. */
  needed(length: number): Uint8Array {
    if (this.#needed.length < length) this.#needed = new Uint8Array(length);
    else this.#needed.fill(0, 0, length);
    return this.#needed;
  }
}

/**
 * `target[y][x] = sum over a, b of rows.weight[a] * cols.weight[b] * source[rows.index[a]][cols.index[b]]`
 * (four taps per axis, see {@link ComposedAxisTaps}), computed separably: each source row that some output row
 * reads is resampled horizontally once, then the output rows combine those. Plain float64 arithmetic, one
 * rounding to float32 on store. The loops are flat typed-array loops with fixed tap counts, the shape V8's
 * optimising compiler handles best.
 *
 * Cost: (rows read) x target width x 4 + target size x 4 multiply-adds, whatever the source's size.
 */
export function resampleSeparable(
  source: FloatPlaneWindow,
  rows: ComposedAxisTaps,
  cols: ComposedAxisTaps,
  target: FloatPlaneWindow,
  scratch: SeparableScratch = new SeparableScratch(),
): void {
  const width = target.width;
  const height = target.height;
  if (rows.index.length !== TAPS_PER_OUTPUT * height || cols.index.length !== TAPS_PER_OUTPUT * width) {
    throw new InvalidArgumentError('tap tables do not match the target size');
  }
  for (const taps of [rows, cols]) {
    const weights = taps.weight;
    for (let k = 0; k < weights.length; k++) {
      if (k % TAPS_PER_OUTPUT >= taps.tapCount && weights[k] !== 0)
        throw new InvalidArgumentError('a tap beyond tapCount has a weight');
    }
  }
  const rowIndex = rows.index;
  const rowWeight = rows.weight;
  const colIndex = cols.index;
  const colWeight = cols.weight;
  for (let k = 0; k < rowIndex.length; k++) {
    if (rowIndex[k] < 0 || rowIndex[k] >= source.height) throw new InvalidArgumentError('row tap outside the source');
  }
  for (let k = 0; k < colIndex.length; k++) {
    if (colIndex[k] < 0 || colIndex[k] >= source.width) throw new InvalidArgumentError('column tap outside the source');
  }
  // Horizontal pass of every source row that is read, into row-indexed slots of `passes`. One loop per tap
  // count: the composed tables of the predictor use 2 (a crop of kept values) or 3 (a resize of a resize) taps
  // per output, and a fixed count keeps the inner loops free of branches.
  const needed = scratch.needed(source.height);
  for (let k = 0; k < rowIndex.length; k++) needed[rowIndex[k]] = 1;
  const passes = scratch.rows(source.height * width);
  const src = source.data;
  const colTaps = cols.tapCount;
  for (let sourceRow = 0; sourceRow < source.height; sourceRow++) {
    if (needed[sourceRow] === 0) continue;
    const from = source.offset + sourceRow * source.rowStride;
    const to = sourceRow * width;
    if (colTaps <= 2) {
      for (let x = 0, t = 0; x < width; x++, t += 4) {
        passes[to + x] = colWeight[t] * src[from + colIndex[t]] + colWeight[t + 1] * src[from + colIndex[t + 1]];
      }
    } else if (colTaps === 3) {
      for (let x = 0, t = 0; x < width; x++, t += 4) {
        passes[to + x] =
          colWeight[t] * src[from + colIndex[t]] +
          colWeight[t + 1] * src[from + colIndex[t + 1]] +
          colWeight[t + 2] * src[from + colIndex[t + 2]];
      }
    } else {
      for (let x = 0, t = 0; x < width; x++, t += 4) {
        passes[to + x] =
          colWeight[t] * src[from + colIndex[t]] +
          colWeight[t + 1] * src[from + colIndex[t + 1]] +
          colWeight[t + 2] * src[from + colIndex[t + 2]] +
          colWeight[t + 3] * src[from + colIndex[t + 3]];
      }
    }
  }
  // Vertical combination.
  const dst = target.data;
  const rowTaps = rows.tapCount;
  for (let y = 0, t = 0; y < height; y++, t += 4) {
    const r0 = rowIndex[t] * width;
    const r1 = rowIndex[t + 1] * width;
    const r2 = rowIndex[t + 2] * width;
    const r3 = rowIndex[t + 3] * width;
    const a0 = rowWeight[t];
    const a1 = rowWeight[t + 1];
    const a2 = rowWeight[t + 2];
    const a3 = rowWeight[t + 3];
    const out = target.offset + y * target.rowStride;
    if (rowTaps <= 2) {
      for (let x = 0; x < width; x++) dst[out + x] = a0 * passes[r0 + x] + a1 * passes[r1 + x];
    } else if (rowTaps === 3) {
      for (let x = 0; x < width; x++) dst[out + x] = a0 * passes[r0 + x] + a1 * passes[r1 + x] + a2 * passes[r2 + x];
    } else {
      for (let x = 0; x < width; x++) {
        dst[out + x] = a0 * passes[r0 + x] + a1 * passes[r1 + x] + a2 * passes[r2 + x] + a3 * passes[r3 + x];
      }
    }
  }
}
