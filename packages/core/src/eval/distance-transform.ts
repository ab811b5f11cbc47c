import { InvalidArgumentError } from '../errors';

/**
 * Exact Euclidean distance transform (EDT), the one the official evaluation gets from
 * `cv2.distanceTransform(mask, cv2.DIST_L2, 0)` (mask size 0 = OpenCV's precise algorithm).
 *
 * Algorithm: Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions" (2012): a 1-D pass down
 * each column gives the squared distance to the nearest zero pixel in that column, then a 1-D pass along each row
 * takes the lower envelope of the parabolas `(x - q)^2 + f(q)`. Squared distances are integers and are computed
 * exactly in float64; the square root is rounded to float32 at the end, which is what OpenCV returns
 * (sqrt of an exact integer, rounded once to float32), so results match OpenCV bit for bit.
 */

/** Squared "no zero pixel found yet" marker for the column pass; larger than any real squared distance. */
const NO_ZERO_IN_COLUMN = Number.POSITIVE_INFINITY;

/**
 * Distance from every pixel to the nearest pixel whose value is 0 (zero pixels get 0), row-major.
 *
 * @param mask - row-major pixels; 0 is background, any other value is foreground.
 * @param width - columns.
 * @param height - rows.
 * @returns float32 distances, length `width * height`. If the mask has no zero pixel at all, every distance is
 *   `Infinity` (OpenCV leaves this case unspecified; the click simulator never meets it because it pads the
 *   masks with a border of zeros first).
 */
export function euclideanDistanceTransform(mask: Uint8Array, width: number, height: number): Float32Array {
  const pixelCount = width * height;
  if (mask.length !== pixelCount) {
    throw new InvalidArgumentError(`mask has ${mask.length} pixels, expected ${width} x ${height}`);
  }
  const squaredColumnDistance = new Float64Array(pixelCount);
  computeColumnSquaredDistances(mask, width, height, squaredColumnDistance);

  const distance = new Float32Array(pixelCount);
  // Scratch buffers of the lower envelope, reused for every row.
  const parabolaColumns = new Int32Array(width);
  const boundaries = new Float64Array(width + 1);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    const rowValues = squaredColumnDistance.subarray(rowStart, rowStart + width);
    lowerEnvelopeRow(rowValues, width, parabolaColumns, boundaries, distance, rowStart);
  }
  return distance;
}

/**
 * Per column: squared distance to the nearest zero pixel in the same column (Infinity if the column has none).
 * Both sweeps walk the image row by row (all columns at once), which keeps memory access sequential.
 */
function computeColumnSquaredDistances(mask: Uint8Array, width: number, height: number, out: Float64Array): void {
  // Downward sweep: distance to the nearest zero above (or at) each pixel.
  for (let x = 0; x < width; x++) out[x] = mask[x] === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (let y = 1; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = mask[row + x] === 0 ? 0 : out[row - width + x] + 1;
  }
  // Upward sweep: the nearer of the zero above and the zero below.
  for (let y = height - 2; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const below = out[row + width + x] + 1;
      if (below < out[row + x]) out[row + x] = below;
    }
  }
  for (let i = 0; i < out.length; i++) {
    const distance = out[i];
    out[i] = distance === Number.POSITIVE_INFINITY ? NO_ZERO_IN_COLUMN : distance * distance;
  }
}

/** Column where the parabolas rooted at columns q and p (p < q) cross. */
function intersect(f: Float64Array, q: number, p: number): number {
  return (f[q] + q * q - (f[p] + p * p)) / (2 * (q - p));
}

/**
 * One row of the second pass: `out[rowStart + x] = sqrt(min over q of (x - q)^2 + f[q])`, rounded to float32.
 * Columns with f = Infinity (no zero in that column) never win, so they are left out of the envelope.
 */
function lowerEnvelopeRow(
  f: Float64Array,
  width: number,
  parabolaColumns: Int32Array,
  boundaries: Float64Array,
  out: Float32Array,
  rowStart: number,
): void {
  let parabolaCount = 0;
  for (let q = 0; q < width; q++) {
    if (f[q] === NO_ZERO_IN_COLUMN) continue;
    if (parabolaCount === 0) {
      parabolaColumns[0] = q;
      boundaries[0] = Number.NEGATIVE_INFINITY;
      boundaries[1] = Number.POSITIVE_INFINITY;
      parabolaCount = 1;
      continue;
    }
    // Intersection of the parabola rooted at q with the rightmost one in the envelope; drop that one while the
    // intersection lies left of its own left boundary (the new parabola hides it completely). boundaries[0] is
    // -Infinity, so the first parabola is never dropped.
    let k = parabolaCount - 1;
    let intersection = intersect(f, q, parabolaColumns[k]);
    while (intersection <= boundaries[k]) {
      k--;
      intersection = intersect(f, q, parabolaColumns[k]);
    }
    parabolaCount = k + 1;
    parabolaColumns[parabolaCount] = q;
    boundaries[parabolaCount] = intersection;
    boundaries[parabolaCount + 1] = Number.POSITIVE_INFINITY;
    parabolaCount++;
  }

  if (parabolaCount === 0) {
    for (let x = 0; x < width; x++) out[rowStart + x] = Number.POSITIVE_INFINITY;
    return;
  }
  let k = 0;
  for (let x = 0; x < width; x++) {
    while (boundaries[k + 1] < x) k++;
    const p = parabolaColumns[k];
    const dx = x - p;
    // Float32Array assignment rounds the float64 square root to float32 (round to nearest even), like OpenCV.
    out[rowStart + x] = Math.sqrt(dx * dx + f[p]);
  }
}
