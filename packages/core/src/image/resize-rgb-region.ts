import { InvalidArgumentError } from '../errors';
import type { Roi } from './roi';
import { BYTE_TO_UNIT_FLOAT } from './byte-to-unit-float';
import { fmaFloat32 } from './float32-fma';
import { computeLinearAxisWeights, type LinearAxisWeights } from './resize-bilinear';
import type { RgbImage } from './rgb-image';

/**
 * Crops `region` (inclusive bounds) out of an 8-bit RGB image, converts it to float [0, 1] and resizes it
 * bilinearly to `targetWidthPx` x `targetHeightPx`, writing three planes (R, G, B) into `target` from
 * `targetOffset` on. The result equals `interpolate(ToTensor(image)[:, rowMin:rowMax+1, colMin:colMax+1])`
 * in PyTorch bit for bit (the `'generic'` kernel of {@link resizeBilinearWindow}: PyTorch resizes SimpleClick's
 * 4-channel crop with it); only the pixels the interpolation
 * reads are converted, so the cost depends on the target size, not on the image size.
 */
export function resizeRgbRegionToPlanar(
  image: RgbImage,
  region: Roi,
  target: Float32Array,
  targetOffset: number,
  targetWidthPx: number,
  targetHeightPx: number,
  alignCorners = true,
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
  const rows = computeLinearAxisWeights(regionHeight, targetHeightPx, alignCorners);
  const cols = computeLinearAxisWeights(regionWidth, targetWidthPx, alignCorners);
  resizeRgbWithTables(image, region, target, targetOffset, targetWidthPx, targetHeightPx, rows, cols);
}

function resizeRgbWithTables(
  image: RgbImage,
  region: Roi,
  target: Float32Array,
  targetOffset: number,
  targetWidthPx: number,
  targetHeightPx: number,
  rows: LinearAxisWeights,
  cols: LinearAxisWeights,
): void {
  // Separable like PyTorch's generic kernel: a horizontal pass per source row (shared by consecutive output
  // rows that read the same source row), then the vertical combination.
  const fma = fmaFloat32; // a local alias lets the JIT inline it
  const fround = Math.fround;
  const rowStride = image.width * 3;
  const planeSize = targetWidthPx * targetHeightPx;
  const width = targetWidthPx;
  // Byte offsets of the neighbouring columns, computed once for all rows.
  const colByte0 = new Int32Array(width);
  const colByte1 = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    colByte0[x] = (region.colMin + cols.index0[x]) * 3;
    colByte1[x] = (region.colMin + cols.index1[x]) * 3;
  }
  // Horizontal passes, R G B interleaved per output column.
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
        horizontalRgbPass(image.data, (region.rowMin + r0) * rowStride, colByte0, colByte1, cols, top);
        topRow = r0;
      }
    }
    if (r1 !== bottomRow) {
      if (r1 === topRow) bottom.set(top);
      else horizontalRgbPass(image.data, (region.rowMin + r1) * rowStride, colByte0, colByte1, cols, bottom);
      bottomRow = r1;
    }
    const h0 = rows.lambda0[y];
    const h1 = rows.lambda1[y];
    const outRow = y * width;
    for (let x = 0, i = 0; x < width; x++, i += 3) {
      const out = outRow + x;
      target[red + out] = fma(top[i], h0, fround(bottom[i] * h1));
      target[green + out] = fma(top[i + 1], h0, fround(bottom[i + 1] * h1));
      target[blue + out] = fma(top[i + 2], h0, fround(bottom[i + 2] * h1));
    }
  }
}

/** One source row interpolated horizontally, R G B interleaved per output column, float32 values. */
function horizontalRgbPass(
  src: Uint8Array,
  rowStart: number,
  colByte0: Int32Array,
  colByte1: Int32Array,
  cols: LinearAxisWeights,
  out: Float64Array,
): void {
  const toUnit = BYTE_TO_UNIT_FLOAT;
  const fma = fmaFloat32;
  const fround = Math.fround;
  const lambda0 = cols.lambda0;
  const lambda1 = cols.lambda1;
  const width = colByte0.length;
  for (let x = 0, i = 0; x < width; x++, i += 3) {
    const p0 = rowStart + colByte0[x];
    const p1 = rowStart + colByte1[x];
    const w0 = lambda0[x];
    const w1 = lambda1[x];
    out[i] = fma(toUnit[src[p0]], w0, fround(toUnit[src[p1]] * w1));
    out[i + 1] = fma(toUnit[src[p0 + 1]], w0, fround(toUnit[src[p1 + 1]] * w1));
    out[i + 2] = fma(toUnit[src[p0 + 2]], w0, fround(toUnit[src[p1 + 2]] * w1));
  }
}
