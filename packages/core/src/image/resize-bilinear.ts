import { InvalidArgumentError } from '../errors';
import type { FloatMap } from './float-map';
import { fmaFloat32 } from './float32-fma';

/**
 * Bilinear resizing of float32 rasters that reproduces `torch.nn.functional.interpolate(mode='bilinear')` on
 * the CPU bit for bit (checked against PyTorch 1.13 on an AVX2 machine in `resize-bilinear.test.ts`;
 * fixtures from `packages/core/scripts/make-resize-fixture.py`). What PyTorch computes, measured against its
 * output:
 *
 * - scale: float32 `(in - 1) / (out - 1)` with align_corners (0 when out is 1), else float32 `in / out`;
 * - source position: `scale * d` (align_corners) or `max(0, scale * (d + 0.5) - 0.5)` evaluated in float64
 *   from the float32 scale; `i0 = min(floor(position), in - 1)`, `i1 = i0 + 1` unless `i0` is the last index;
 *   when in == out the axis is copied (`i0 = i1 = d`, weights 1 and 0);
 * - weights: `lambda1 = float32(clamp(position - i0, 0, 1))`, `lambda0 = float32(1 - lambda1)`;
 * - value, which depends on the kernel PyTorch picks for the tensor's layout ({@link TorchBilinearKernel}):
 *   - `'generic'` (NCHW tensors with several channels, and non-contiguous views such as crops): separable, row
 *     first, with fused multiply-adds (the kernel is compiled with FMA contraction):
 *     `t0 = fma(x00, w0, x01 * w1)`, `t1 = fma(x10, w0, x11 * w1)`, `value = fma(t0, h0, t1 * h1)`, each
 *     product and fma rounded to float32;
 *   - `'channels-last'` (contiguous single-channel tensors, which PyTorch treats as channels-last, and
 *     channels-last tensors): the four combined weights `float32(h * w)` times the four neighbours, summed in
 *     float64 in the order (r0,c0) (r0,c1) (r1,c0) (r1,c1) and rounded once to float32.
 */

/**
 * Which of PyTorch's two CPU bilinear kernels to reproduce. They differ only in the last bit of some values.
 * SimpleClick resizes its 4-channel crop (image + previous mask) with `'generic'` and its 1-channel
 * probability map with `'channels-last'`.
 */
export type TorchBilinearKernel = 'generic' | 'channels-last';

/** Options of {@link resizeFloatMap} and {@link resizeBilinearPlanar}. */
export interface BilinearResizeOptions {
  /**
   * PyTorch's `align_corners`: true maps the corner pixel centres onto each other (what SimpleClick uses for
   * its crops and for pasting probabilities back); false maps the pixel areas (`(d + 0.5) * in / out - 0.5`).
   */
  readonly alignCorners: boolean;
  /**
   * The PyTorch kernel whose rounding to reproduce. Default: `'channels-last'` for one plane (what PyTorch
   * uses for a contiguous `[1, 1, H, W]` tensor), `'generic'` for several planes.
   */
  readonly torchKernel?: TorchBilinearKernel;
}

/** SimpleClick resizes with align_corners = true everywhere. */
export const DEFAULT_BILINEAR_RESIZE_OPTIONS: BilinearResizeOptions = Object.freeze({ alignCorners: true });

/**
 * Source indices and float32 weights of linear interpolation along one axis, one entry per output index.
 * Weights are float32 values held in float64 arrays so hot loops do no conversion.
 */
export interface LinearAxisWeights {
  readonly index0: Int32Array;
  readonly index1: Int32Array;
  readonly lambda0: Float64Array;
  readonly lambda1: Float64Array;
}

/** Computes the per-axis interpolation table, as PyTorch's CPU kernel does (see the file comment). */
export function computeLinearAxisWeights(
  inputSizePx: number,
  outputSizePx: number,
  alignCorners: boolean,
): LinearAxisWeights {
  checkSize('input size', inputSizePx);
  checkSize('output size', outputSizePx);
  const index0 = new Int32Array(outputSizePx);
  const index1 = new Int32Array(outputSizePx);
  const lambda0 = new Float64Array(outputSizePx);
  const lambda1 = new Float64Array(outputSizePx);
  if (inputSizePx === outputSizePx) {
    for (let d = 0; d < outputSizePx; d++) {
      index0[d] = d;
      index1[d] = d;
      lambda0[d] = 1;
    }
    return { index0, index1, lambda0, lambda1 };
  }
  let scale: number;
  if (alignCorners) {
    scale = outputSizePx > 1 ? Math.fround(Math.fround(inputSizePx - 1) / Math.fround(outputSizePx - 1)) : 0;
  } else {
    scale = Math.fround(Math.fround(inputSizePx) / Math.fround(outputSizePx));
  }
  const lastIndex = inputSizePx - 1;
  for (let d = 0; d < outputSizePx; d++) {
    let position = alignCorners ? scale * d : scale * (d + 0.5) - 0.5;
    if (position < 0) position = 0;
    const i0 = Math.min(Math.floor(position), lastIndex);
    const fraction = Math.fround(Math.min(Math.max(position - i0, 0), 1));
    index0[d] = i0;
    index1[d] = i0 < lastIndex ? i0 + 1 : i0;
    lambda1[d] = fraction;
    lambda0[d] = Math.fround(1 - fraction);
  }
  return { index0, index1, lambda0, lambda1 };
}

/**
 * A rectangular window of a row-major float32 plane: the pixel at window row `y`, column `x` is
 * `data[offset + y * rowStride + x]`. Lets a resize read a crop, or write into one plane of a batch tensor,
 * without copying.
 */
export interface FloatPlaneWindow {
  readonly data: Float32Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly width: number;
  readonly height: number;
}

/** The whole of a row-major plane as a window. */
export function planeWindow(data: Float32Array, width: number, height: number, offset = 0): FloatPlaneWindow {
  return { data, offset, rowStride: width, width, height };
}

/**
 * Resizes `source` into `target` (both windows; sizes taken from them) with PyTorch's bilinear formulas.
 * `rows`/`cols` may be passed when the caller already holds the tables for these sizes.
 */
export function resizeBilinearWindow(
  source: FloatPlaneWindow,
  target: FloatPlaneWindow,
  alignCorners: boolean,
  kernel: TorchBilinearKernel,
  rows: LinearAxisWeights = computeLinearAxisWeights(source.height, target.height, alignCorners),
  cols: LinearAxisWeights = computeLinearAxisWeights(source.width, target.width, alignCorners),
): void {
  if (kernel === 'generic') resizeGeneric(source, target, rows, cols);
  else resizeChannelsLast(source, target, rows, cols);
}

function resizeChannelsLast(
  source: FloatPlaneWindow,
  target: FloatPlaneWindow,
  rows: LinearAxisWeights,
  cols: LinearAxisWeights,
): void {
  const src = source.data;
  const dst = target.data;
  const { index0: colIndex0, index1: colIndex1, lambda0: colLambda0, lambda1: colLambda1 } = cols;
  const targetWidth = target.width;
  const fround = Math.fround;
  for (let y = 0; y < target.height; y++) {
    const h0 = rows.lambda0[y];
    const h1 = rows.lambda1[y];
    const row0 = source.offset + rows.index0[y] * source.rowStride;
    const row1 = source.offset + rows.index1[y] * source.rowStride;
    const outRow = target.offset + y * target.rowStride;
    for (let x = 0; x < targetWidth; x++) {
      const c0 = colIndex0[x];
      const c1 = colIndex1[x];
      const w0 = colLambda0[x];
      const w1 = colLambda1[x];
      // float64 products of float32 values are exact; the Float32Array store rounds the sum once.
      dst[outRow + x] =
        src[row0 + c0] * fround(h0 * w0) +
        src[row0 + c1] * fround(h0 * w1) +
        src[row1 + c0] * fround(h1 * w0) +
        src[row1 + c1] * fround(h1 * w1);
    }
  }
}

function resizeGeneric(
  source: FloatPlaneWindow,
  target: FloatPlaneWindow,
  rows: LinearAxisWeights,
  cols: LinearAxisWeights,
): void {
  // Separable: the horizontal pass of a source row depends only on that row, so consecutive output rows
  // that share a source row reuse its pass (upsampling shares most rows).
  const src = source.data;
  const dst = target.data;
  const fma = fmaFloat32; // a local alias lets the JIT inline it (module bindings can go through getters)
  const fround = Math.fround;
  const targetWidth = target.width;
  let top = new Float64Array(targetWidth);
  let bottom = new Float64Array(targetWidth);
  let topRow = -1;
  let bottomRow = -1;
  for (let y = 0; y < target.height; y++) {
    const r0 = rows.index0[y];
    const r1 = rows.index1[y];
    if (r0 !== topRow) {
      if (r0 === bottomRow) {
        const previousTop = top;
        top = bottom;
        bottom = previousTop;
        topRow = bottomRow;
        bottomRow = -1;
      } else {
        horizontalPass(src, source.offset + r0 * source.rowStride, cols, top);
        topRow = r0;
      }
    }
    if (r1 !== bottomRow) {
      if (r1 === topRow) bottom.set(top);
      else horizontalPass(src, source.offset + r1 * source.rowStride, cols, bottom);
      bottomRow = r1;
    }
    const h0 = rows.lambda0[y];
    const h1 = rows.lambda1[y];
    const outRow = target.offset + y * target.rowStride;
    for (let x = 0; x < targetWidth; x++) dst[outRow + x] = fma(top[x], h0, fround(bottom[x] * h1));
  }
}

/** One source row interpolated horizontally (the generic kernel's inner dimension), float32 values. */
function horizontalPass(src: Float32Array, rowStart: number, cols: LinearAxisWeights, out: Float64Array): void {
  const fma = fmaFloat32;
  const fround = Math.fround;
  const { index0, index1, lambda0, lambda1 } = cols;
  for (let x = 0; x < out.length; x++) {
    out[x] = fma(src[rowStart + index0[x]], lambda0[x], fround(src[rowStart + index1[x]] * lambda1[x]));
  }
}

/** Resizes a single-channel float map to `widthPx` x `heightPx` (a new map). */
export function resizeFloatMap(
  map: FloatMap,
  widthPx: number,
  heightPx: number,
  options: BilinearResizeOptions = DEFAULT_BILINEAR_RESIZE_OPTIONS,
): FloatMap {
  checkSize('map width', map.width);
  checkSize('map height', map.height);
  checkSize('target width', widthPx);
  checkSize('target height', heightPx);
  if (map.data.length !== map.width * map.height) {
    throw new InvalidArgumentError(`map data has ${map.data.length} values, expected ${map.width * map.height}`);
  }
  const data = new Float32Array(widthPx * heightPx);
  resizeBilinearWindow(
    planeWindow(map.data, map.width, map.height),
    planeWindow(data, widthPx, heightPx),
    options.alignCorners,
    options.torchKernel ?? 'channels-last',
  );
  return { width: widthPx, height: heightPx, data };
}

/**
 * Resizes `channels` row-major planes stored one after the other (NCHW without N) to
 * `targetWidthPx` x `targetHeightPx`; returns the new planes in the same layout.
 */
export function resizeBilinearPlanar(
  data: Float32Array,
  widthPx: number,
  heightPx: number,
  channels: number,
  targetWidthPx: number,
  targetHeightPx: number,
  options: BilinearResizeOptions = DEFAULT_BILINEAR_RESIZE_OPTIONS,
): Float32Array {
  checkSize('width', widthPx);
  checkSize('height', heightPx);
  checkSize('channel count', channels);
  checkSize('target width', targetWidthPx);
  checkSize('target height', targetHeightPx);
  const planeSize = widthPx * heightPx;
  if (data.length !== planeSize * channels) {
    throw new InvalidArgumentError(`planar data has ${data.length} values, expected ${planeSize * channels}`);
  }
  const targetPlaneSize = targetWidthPx * targetHeightPx;
  const output = new Float32Array(targetPlaneSize * channels);
  const rows = computeLinearAxisWeights(heightPx, targetHeightPx, options.alignCorners);
  const cols = computeLinearAxisWeights(widthPx, targetWidthPx, options.alignCorners);
  const kernel = options.torchKernel ?? (channels > 1 ? 'generic' : 'channels-last');
  for (let channel = 0; channel < channels; channel++) {
    resizeBilinearWindow(
      planeWindow(data, widthPx, heightPx, channel * planeSize),
      planeWindow(output, targetWidthPx, targetHeightPx, channel * targetPlaneSize),
      options.alignCorners,
      kernel,
      rows,
      cols,
    );
  }
  return output;
}

function checkSize(what: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${what} must be a positive integer, got ${value}`);
  }
}
