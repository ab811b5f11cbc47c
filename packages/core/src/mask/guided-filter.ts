/**
 * The guided filter of He, Sun and Tang ("Guided Image Filtering", ECCV 2010 / TPAMI 2013), written for
 * refining a probability map along the edges of an image: in every (2r+1) x (2r+1) window the output is a linear
 * function of the guide, `q = a . I + b`, fitted to the input `p` by ridge regression with regulariser `eps`,
 * and the coefficients of all windows covering a pixel are averaged. Edges of the guide survive (where the
 * guide varies a lot, `a` follows `p`'s variation along it); flat regions of the guide are smoothed.
 *
 * Windows are cut at the image border (a mean is over the pixels of the window inside the image, as in the
 * authors' reference code, which divides by the box filter of ones). Every mean is an O(N) box filter: a
 * running sum along rows, then along columns, accumulated in float64; planes are float32 (one element type in
 * the hot loops, half the memory traffic of float64).
 */

/** Guided-filter parameters. */
export interface GuidedFilterParams {
  /** Window radius r in pixels: windows are (2r+1) x (2r+1). */
  readonly radiusPx: number;
  /** Regulariser eps, in the guide's units squared (guides here are in [0, 1]). */
  readonly eps: number;
}

/**
 * Box mean with windows cut at the border: `out[y, x]` = mean of `source` over rows `[y-r, y+r]` and columns
 * `[x-r, x+r]` inside the `width` x `height` plane. `rowScratch` needs `width + 1` float64 slots and `columnSums`
 * `width * height` float32 ones (window sums of one row, from float64 prefix sums); `out` may be `source`.
 */
export function boxMean(
  source: Float32Array,
  width: number,
  height: number,
  radiusPx: number,
  out: Float32Array,
  rowScratch: Float64Array = new Float64Array(width + 1),
  columnSums: Float32Array = new Float32Array(width * height),
): void {
  const r = radiusPx;
  // Pass 1: per row, prefix sums, then the window sum of each column position (cut at the row's ends).
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    rowScratch[0] = 0;
    let running = 0;
    for (let x = 0; x < width; x++) {
      running += source[rowStart + x];
      rowScratch[x + 1] = running;
    }
    for (let x = 0; x < width; x++) {
      const hi = x + r + 1 < width ? x + r + 1 : width;
      const lo = x - r > 0 ? x - r : 0;
      columnSums[rowStart + x] = rowScratch[hi] - rowScratch[lo];
    }
  }
  // Pass 2: row by row, a running window sum per column (add the row entering, drop the row leaving), divided
  // by the window's pixel count inside the plane. Row-major order keeps the memory access sequential.
  const sums = rowScratch; // width slots reused as the per-column running sums
  sums.fill(0);
  const firstEnd = r < height - 1 ? r : height - 1;
  for (let y = 0; y <= firstEnd; y++) {
    const rowStart = y * width;
    for (let x = 0; x < width; x++) sums[x] += columnSums[rowStart + x];
  }
  // 1 / (columns of each window inside the row): a multiplication per pixel instead of a division.
  const inverseColumns = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    inverseColumns[x] = 1 / ((x + r + 1 < width ? x + r + 1 : width) - (x - r > 0 ? x - r : 0));
  }
  for (let y = 0; y < height; y++) {
    const hi = y + r < height - 1 ? y + r : height - 1;
    const lo = y - r > 0 ? y - r : 0;
    const inverseRows = 1 / (hi - lo + 1);
    const rowStart = y * width;
    for (let x = 0; x < width; x++) out[rowStart + x] = sums[x] * inverseColumns[x] * inverseRows;
    const entering = y + r + 1;
    if (entering < height) {
      const from = entering * width;
      for (let x = 0; x < width; x++) sums[x] += columnSums[from + x];
    }
    const leaving = y - r;
    if (leaving >= 0) {
      const from = leaving * width;
      for (let x = 0; x < width; x++) sums[x] -= columnSums[from + x];
    }
  }
}

/** Scratch of one filtering: the row and column sums of the box filter, and new float32 planes. */
class Planes {
  readonly row: Float64Array;
  readonly columns: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly radiusPx: number,
  ) {
    this.row = new Float64Array(width + 1);
    this.columns = new Float32Array(width * height);
  }
  plane(): Float32Array {
    return new Float32Array(this.width * this.height);
  }
  /** Box mean of `source` into `out` (a new plane when left out). */
  mean(source: Float32Array, out: Float32Array = this.plane()): Float32Array {
    boxMean(source, this.width, this.height, this.radiusPx, out, this.row, this.columns);
    return out;
  }
}

/**
 * Guided filter with a one-channel guide: `guide` and `input` are `width` x `height` planes (row-major); the
 * result goes to `out` (may be `input`).
 */
export function guidedFilterGray(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  params: GuidedFilterParams,
  out: Float32Array,
): void {
  checkParams(width, height, params, guide.length, input.length, out.length);
  const n = width * height;
  const eps = params.eps;
  const planes = new Planes(width, height, params.radiusPx);
  const meanI = planes.mean(guide);
  const meanP = planes.mean(input);
  const product = planes.plane();
  for (let i = 0; i < n; i++) product[i] = guide[i] * guide[i];
  const meanII = planes.mean(product);
  for (let i = 0; i < n; i++) product[i] = guide[i] * input[i];
  const meanIP = planes.mean(product);
  // a and b of each window, written over meanII and meanIP.
  const a = meanII;
  const b = meanIP;
  for (let i = 0; i < n; i++) {
    const mi = meanI[i];
    const variance = meanII[i] - mi * mi;
    const covariance = meanIP[i] - mi * meanP[i];
    const ai = covariance / (variance + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * mi;
  }
  planes.mean(a, meanI);
  planes.mean(b, meanP);
  for (let i = 0; i < n; i++) out[i] = meanI[i] * guide[i] + meanP[i];
}

/**
 * Guided filter with a three-channel guide (He et al.'s colour version: per window a 3 x 3 covariance plus
 * `eps` times the identity, inverted in closed form). `guide` holds the three channels as consecutive planes
 * (`[3, height, width]`); `input` and `out` are one plane each (`out` may be `input`).
 */
export function guidedFilterRgb(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  params: GuidedFilterParams,
  out: Float32Array,
): void {
  const n = width * height;
  checkParams(width, height, params, guide.length / 3, input.length, out.length);
  const [meanAr, meanAg, meanAb, meanB] = rgbCoefficients(guide, input, width, height, params);
  const red = guide.subarray(0, n);
  const green = guide.subarray(n, 2 * n);
  const blue = guide.subarray(2 * n, 3 * n);
  for (let i = 0; i < n; i++) out[i] = meanAr[i] * red[i] + meanAg[i] * green[i] + meanAb[i] * blue[i] + meanB[i];
}

/**
 * He and Sun's fast guided filter ("Fast Guided Filter", 2015) with a colour guide: the coefficients are fitted on
 * the guide and input averaged over `subsample` x `subsample` blocks, with the radius divided by `subsample`
 * (at least 1), then resized bilinearly to full resolution and applied to the full-resolution guide:
 * `out = mean(a) . I + mean(b)`. About `subsample`^2 times less work than {@link guidedFilterRgb}, which it equals
 * for `subsample` 1.
 */
export function fastGuidedFilterRgb(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  params: GuidedFilterParams,
  subsample: number,
  out: Float32Array,
): void {
  checkParams(width, height, params, guide.length / 3, input.length, out.length);
  if (!Number.isInteger(subsample) || subsample < 1)
    throw new RangeError('guided filter: subsample must be an integer >= 1');
  if (subsample === 1) {
    guidedFilterRgb(guide, input, width, height, params, out);
    return;
  }
  const n = width * height;
  const lowWidth = Math.ceil(width / subsample);
  const lowHeight = Math.ceil(height / subsample);
  const lowN = lowWidth * lowHeight;
  const lowGuide = new Float32Array(3 * lowN);
  for (let c = 0; c < 3; c++) {
    blockMean(
      guide.subarray(c * n, (c + 1) * n),
      width,
      height,
      subsample,
      lowGuide.subarray(c * lowN, (c + 1) * lowN),
    );
  }
  const lowInput = new Float32Array(lowN);
  blockMean(input, width, height, subsample, lowInput);
  const lowParams = { radiusPx: Math.max(1, Math.round(params.radiusPx / subsample)), eps: params.eps };
  const [lowAr, lowAg, lowAb, lowB] = rgbCoefficients(lowGuide, lowInput, lowWidth, lowHeight, lowParams);
  // Bilinear resize of the four coefficient planes (block j's centre is at full-resolution (j + 0.5) s - 0.5),
  // separably: each output row first blends its two block rows into one row per plane, then each pixel blends two
  // neighbours of that row and applies a . I + b.
  const xs = axisTaps(width, lowWidth, subsample);
  const ys = axisTaps(height, lowHeight, subsample);
  const rowAr = new Float32Array(lowWidth);
  const rowAg = new Float32Array(lowWidth);
  const rowAb = new Float32Array(lowWidth);
  const rowB = new Float32Array(lowWidth);
  const red = guide.subarray(0, n);
  const green = guide.subarray(n, 2 * n);
  const blue = guide.subarray(2 * n, 3 * n);
  for (let y = 0; y < height; y++) {
    const upper = ys.index[y] * lowWidth;
    const lower = (ys.index[y] + 1 < lowHeight ? ys.index[y] + 1 : ys.index[y]) * lowWidth;
    const fy = ys.fraction[y];
    for (let j = 0; j < lowWidth; j++) {
      rowAr[j] = lowAr[upper + j] + fy * (lowAr[lower + j] - lowAr[upper + j]);
      rowAg[j] = lowAg[upper + j] + fy * (lowAg[lower + j] - lowAg[upper + j]);
      rowAb[j] = lowAb[upper + j] + fy * (lowAb[lower + j] - lowAb[upper + j]);
      rowB[j] = lowB[upper + j] + fy * (lowB[lower + j] - lowB[upper + j]);
    }
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const x0 = xs.index[x];
      const x1 = x0 + 1 < lowWidth ? x0 + 1 : x0;
      const fx = xs.fraction[x];
      const ar = rowAr[x0] + fx * (rowAr[x1] - rowAr[x0]);
      const ag = rowAg[x0] + fx * (rowAg[x1] - rowAg[x0]);
      const ab = rowAb[x0] + fx * (rowAb[x1] - rowAb[x0]);
      const bias = rowB[x0] + fx * (rowB[x1] - rowB[x0]);
      const i = row + x;
      out[i] = ar * red[i] + ag * green[i] + ab * blue[i] + bias;
    }
  }
}

/** Mean of each `s` x `s` block (the last row and column of blocks cut at the border) into `out`. */
function blockMean(source: Float32Array, width: number, height: number, s: number, out: Float32Array): void {
  const lowWidth = Math.ceil(width / s);
  const lowHeight = Math.ceil(height / s);
  out.fill(0);
  for (let y = 0; y < height; y++) {
    const outRow = ((y / s) | 0) * lowWidth;
    const row = y * width;
    for (let bx = 0, x = 0; bx < lowWidth; bx++) {
      const end = x + s < width ? x + s : width;
      let sum = 0;
      for (; x < end; x++) sum += source[row + x];
      out[outRow + bx] += sum;
    }
  }
  for (let by = 0; by < lowHeight; by++) {
    const rows = Math.min(s, height - by * s);
    for (let bx = 0; bx < lowWidth; bx++) out[by * lowWidth + bx] /= rows * Math.min(s, width - bx * s);
  }
}

/** For each full-resolution position, the lower block index and the weight of the next one (clamped at the ends). */
function axisTaps(size: number, lowSize: number, s: number): { index: Int32Array; fraction: Float32Array } {
  const index = new Int32Array(size);
  const fraction = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    let position = (x + 0.5) / s - 0.5;
    if (position < 0) position = 0;
    if (position > lowSize - 1) position = lowSize - 1;
    const lower = Math.floor(position);
    index[x] = lower;
    fraction[x] = position - lower;
  }
  return { index, fraction };
}

/** The box means of the colour guided filter's coefficients a (three planes) and b, one per pixel. */
function rgbCoefficients(
  guide: Float32Array,
  input: Float32Array,
  width: number,
  height: number,
  params: GuidedFilterParams,
): [Float32Array, Float32Array, Float32Array, Float32Array] {
  const n = width * height;
  const eps = params.eps;
  const planes = new Planes(width, height, params.radiusPx);
  const red = guide.subarray(0, n);
  const green = guide.subarray(n, 2 * n);
  const blue = guide.subarray(2 * n, 3 * n);
  const product = planes.plane();
  const meanOfProduct = (x: Float32Array, y: Float32Array): Float32Array => {
    for (let i = 0; i < n; i++) product[i] = x[i] * y[i];
    return planes.mean(product);
  };
  const mR = planes.mean(red);
  const mG = planes.mean(green);
  const mB = planes.mean(blue);
  const mP = planes.mean(input);
  const mRP = meanOfProduct(red, input);
  const mGP = meanOfProduct(green, input);
  const mBP = meanOfProduct(blue, input);
  const mRR = meanOfProduct(red, red);
  const mRG = meanOfProduct(red, green);
  const mRB = meanOfProduct(red, blue);
  const mGG = meanOfProduct(green, green);
  const mGB = meanOfProduct(green, blue);
  const mBB = meanOfProduct(blue, blue);
  // Per window: a = (Sigma + eps U)^-1 cov(I, p), b = mean p - a . mean I. Written over mRP, mGP, mBP and mP.
  for (let i = 0; i < n; i++) {
    const mr = mR[i];
    const mg = mG[i];
    const mb = mB[i];
    const mp = mP[i];
    const cr = mRP[i] - mr * mp;
    const cg = mGP[i] - mg * mp;
    const cb = mBP[i] - mb * mp;
    const rr = mRR[i] - mr * mr + eps;
    const rg = mRG[i] - mr * mg;
    const rb = mRB[i] - mr * mb;
    const gg = mGG[i] - mg * mg + eps;
    const gb = mGB[i] - mg * mb;
    const bb = mBB[i] - mb * mb + eps;
    // Inverse of the symmetric matrix [[rr, rg, rb], [rg, gg, gb], [rb, gb, bb]] by cofactors.
    const c00 = gg * bb - gb * gb;
    const c01 = rb * gb - rg * bb;
    const c02 = rg * gb - rb * gg;
    const c11 = rr * bb - rb * rb;
    const c12 = rb * rg - rr * gb;
    const c22 = rr * gg - rg * rg;
    const det = rr * c00 + rg * c01 + rb * c02;
    const ar = (c00 * cr + c01 * cg + c02 * cb) / det;
    const ag = (c01 * cr + c11 * cg + c12 * cb) / det;
    const ab = (c02 * cr + c12 * cg + c22 * cb) / det;
    mRP[i] = ar;
    mGP[i] = ag;
    mBP[i] = ab;
    mP[i] = mp - ar * mr - ag * mg - ab * mb;
  }
  // The means of a and b, into planes no longer needed.
  return [planes.mean(mRP, mRR), planes.mean(mGP, mRG), planes.mean(mBP, mRB), planes.mean(mP, mGG)];
}

function checkParams(
  width: number,
  height: number,
  params: GuidedFilterParams,
  guidePlane: number,
  input: number,
  out: number,
): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`guided filter: bad size ${width} x ${height}`);
  }
  if (!Number.isInteger(params.radiusPx) || params.radiusPx < 0)
    throw new RangeError('guided filter: radiusPx must be an integer >= 0');
  if (!(params.eps > 0) || !Number.isFinite(params.eps))
    throw new RangeError('guided filter: eps must be a positive number');
  const n = width * height;
  if (guidePlane !== n || input !== n || out !== n)
    throw new RangeError('guided filter: plane sizes do not match width x height');
}
