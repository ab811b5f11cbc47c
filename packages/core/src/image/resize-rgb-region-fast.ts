import { InvalidArgumentError } from '../errors';
import type { Roi } from './roi';
import type { LinearAxisWeights } from './resize-bilinear';
import type { RgbImage } from './rgb-image';

/** 1 / 255: bytes are interpolated in byte units and scaled once per output value. */
const UNIT_PER_BYTE = 1 / 255;

/**
 * The fast counterpart of `resizeRgbRegionToPlanar` (resize-rgb-region.ts): the same crop, bilinear tables and
 * planar R, G, B output, computed in plain float64 arithmetic and rounded once to float32 when stored, instead of
 * emulating PyTorch's float32 fused multiply-adds step by step. Values differ from PyTorch's in the last bits
 * (about 1e-7 of a channel's range), which the interactive preset accepts (its masks are tested against the
 * exact path's); the parity preset keeps the exact kernel.
 *
 * Reads only the two source rows and two source columns per output row and column, so the cost depends on the
 * target size only. `rows` and `cols` are the tables of the region's height and width to the target's
 * (`computeLinearAxisWeights(regionSize, targetSize, alignCorners)`), passed in so that callers reuse them.
 */
export function resizeRgbRegionToPlanarFast(
  image: RgbImage,
  region: Roi,
  target: Float32Array,
  targetOffset: number,
  targetWidthPx: number,
  targetHeightPx: number,
  rows: LinearAxisWeights,
  cols: LinearAxisWeights,
): void {
  const regionWidth = region.colMax - region.colMin + 1;
  const regionHeight = region.rowMax - region.rowMin + 1;
  if (
    region.rowMin < 0 ||
    region.colMin < 0 ||
    region.rowMax >= image.height ||
    region.colMax >= image.width ||
    regionWidth <= 0 ||
    regionHeight <= 0
  ) {
    throw new InvalidArgumentError(
      `region rows ${region.rowMin}..${region.rowMax}, cols ${region.colMin}..${region.colMax} is not inside the ${image.width} x ${image.height} image`,
    );
  }
  const planeSize = targetWidthPx * targetHeightPx;
  if (targetOffset < 0 || targetOffset + 3 * planeSize > target.length) {
    throw new InvalidArgumentError('target buffer is too small for three planes');
  }
  if (rows.index0.length !== targetHeightPx || cols.index0.length !== targetWidthPx) {
    throw new InvalidArgumentError('axis tables do not match the target size');
  }
  const width = targetWidthPx;
  const src = image.data;
  const rowStride = image.width * 3;
  // Byte offsets of the two neighbouring columns of every output column: computed once for all rows.
  const colByte0 = new Int32Array(width);
  const colByte1 = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    colByte0[x] = (region.colMin + cols.index0[x]) * 3;
    colByte1[x] = (region.colMin + cols.index1[x]) * 3;
  }
  // Horizontal passes of the two source rows in use (R G B interleaved, byte units); consecutive output rows
  // share source rows when upsampling, so a pass is computed once per source row.
  let top = new Float64Array(3 * width);
  let bottom = new Float64Array(3 * width);
  let topRow = -1;
  let bottomRow = -1;
  const red = targetOffset;
  const green = targetOffset + planeSize;
  const blue = targetOffset + 2 * planeSize;
  for (let y = 0; y < targetHeightPx; y++) {
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
        horizontalPass(src, (region.rowMin + r0) * rowStride, colByte0, colByte1, cols, top);
        topRow = r0;
      }
    }
    if (r1 !== bottomRow) {
      if (r1 === topRow) bottom.set(top);
      else horizontalPass(src, (region.rowMin + r1) * rowStride, colByte0, colByte1, cols, bottom);
      bottomRow = r1;
    }
    const h0 = rows.lambda0[y] * UNIT_PER_BYTE;
    const h1 = rows.lambda1[y] * UNIT_PER_BYTE;
    const outRow = y * width;
    for (let x = 0, i = 0; x < width; x++, i += 3) {
      target[red + outRow + x] = top[i] * h0 + bottom[i] * h1;
      target[green + outRow + x] = top[i + 1] * h0 + bottom[i + 1] * h1;
      target[blue + outRow + x] = top[i + 2] * h0 + bottom[i + 2] * h1;
    }
  }
}

/**
 * One source row interpolated horizontally, R G B interleaved per output column, in byte units. A module
 * function, not a closure: V8's feedback for a closure created once can keep its context (here the image's
 * pixels) alive after the call, which would stop a released image from being collected.
 */
function horizontalPass(
  src: Uint8Array,
  rowStart: number,
  colByte0: Int32Array,
  colByte1: Int32Array,
  cols: LinearAxisWeights,
  out: Float64Array,
): void {
  const w0 = cols.lambda0;
  const w1 = cols.lambda1;
  const width = colByte0.length;
  for (let x = 0, i = 0; x < width; x++, i += 3) {
    const p0 = rowStart + colByte0[x];
    const p1 = rowStart + colByte1[x];
    const a = w0[x];
    const b = w1[x];
    out[i] = src[p0] * a + src[p1] * b;
    out[i + 1] = src[p0 + 1] * a + src[p1 + 1] * b;
    out[i + 2] = src[p0 + 2] * a + src[p1 + 2] * b;
  }
}
