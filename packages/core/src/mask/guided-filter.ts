/**
 * The guided filter of He, Sun and Tang ("Guided Image Filtering", ECCV 2010 / TPAMI 2013), written for
 * refining a probability map along the edges of an image: in every (2r+1) x (2r+1) window the output is a linear
 * function of the guide, `q = a . I + b`, fitted to the input `p` by ridge regression with regulariser `eps`,
 * and the coefficients of all windows covering a pixel are averaged. Edges of the guide survive (where the
 * guide varies a lot, `a` follows `p`'s variation along it); flat regions of the guide are smoothed.
 *
 * Windows are cut at the image border (a mean is over the pixels of the window inside the image, as in the
 * authors' reference code, which divides by the box filter of ones). Every mean is an O(N) box filter: a
 * running sum along rows, then along columns, accumulated in float64.
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
 * `[x-r, x+r]` inside the `width` x `height` plane. `rowScratch` needs `width + 1` and `columnSums` `width * height`
 * float64 slots; `out` may be `source`.
 */
export function boxMean(
  source: ArrayLike<number>,
  width: number,
  height: number,
  radiusPx: number,
  out: Float32Array | Float64Array,
  rowScratch: Float64Array = new Float64Array(width + 1),
  columnSums: Float64Array = new Float64Array(width * height),
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
  // Pass 2: down each column a running window sum (add the row entering, drop the row leaving), divided by the
  // window's pixel count inside the plane.
  for (let x = 0; x < width; x++) {
    const colCount = (x + r + 1 < width ? x + r + 1 : width) - (x - r > 0 ? x - r : 0);
    let sum = 0;
    const firstEnd = r < height - 1 ? r : height - 1;
    for (let y = 0; y <= firstEnd; y++) sum += columnSums[y * width + x];
    for (let y = 0; y < height; y++) {
      const hi = y + r < height - 1 ? y + r : height - 1;
      const lo = y - r > 0 ? y - r : 0;
      out[y * width + x] = sum / (colCount * (hi - lo + 1));
      const entering = y + r + 1;
      if (entering < height) sum += columnSums[entering * width + x];
      const leaving = y - r;
      if (leaving >= 0) sum -= columnSums[leaving * width + x];
    }
  }
}

/**
 * Guided filter with a one-channel guide: `guide` and `input` are `width` x `height` planes (row-major); the
 * result goes to `out` (may be `input`).
 */
export function guidedFilterGray(
  guide: ArrayLike<number>,
  input: ArrayLike<number>,
  width: number,
  height: number,
  params: GuidedFilterParams,
  out: Float32Array,
): void {
  checkParams(width, height, params, guide.length, input.length, out.length);
  const n = width * height;
  const r = params.radiusPx;
  const eps = params.eps;
  const row = new Float64Array(width + 1);
  const columns = new Float64Array(n);
  const meanI = new Float64Array(n);
  const meanP = new Float64Array(n);
  const meanII = new Float64Array(n);
  const meanIP = new Float64Array(n);
  const product = new Float64Array(n);
  boxMean(guide, width, height, r, meanI, row, columns);
  boxMean(input, width, height, r, meanP, row, columns);
  for (let i = 0; i < n; i++) product[i] = guide[i] * guide[i];
  boxMean(product, width, height, r, meanII, row, columns);
  for (let i = 0; i < n; i++) product[i] = guide[i] * input[i];
  boxMean(product, width, height, r, meanIP, row, columns);
  // a and b of each window, written over meanII and meanIP.
  const a = meanII;
  const b = meanIP;
  for (let i = 0; i < n; i++) {
    const variance = meanII[i] - meanI[i] * meanI[i];
    const covariance = meanIP[i] - meanI[i] * meanP[i];
    const ai = covariance / (variance + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * meanI[i];
  }
  boxMean(a, width, height, r, meanI, row, columns);
  boxMean(b, width, height, r, meanP, row, columns);
  for (let i = 0; i < n; i++) out[i] = meanI[i] * guide[i] + meanP[i];
}

/**
 * Guided filter with a three-channel guide (He et al.'s colour version: per window a 3 x 3 covariance plus
 * `eps` times the identity, inverted in closed form). `guide` holds the three channels as consecutive planes
 * (`[3, height, width]`); `input` and `out` are one plane each (`out` may be `input`).
 */
export function guidedFilterRgb(
  guide: ArrayLike<number>,
  input: ArrayLike<number>,
  width: number,
  height: number,
  params: GuidedFilterParams,
  out: Float32Array,
): void {
  const n = width * height;
  checkParams(width, height, params, guide.length / 3, input.length, out.length);
  const r = params.radiusPx;
  const eps = params.eps;
  const row = new Float64Array(width + 1);
  const columns = new Float64Array(n);
  const mean = (source: ArrayLike<number>): Float64Array => {
    const result = new Float64Array(n);
    boxMean(source, width, height, r, result, row, columns);
    return result;
  };
  const red = planeOf(guide, 0, n);
  const green = planeOf(guide, 1, n);
  const blue = planeOf(guide, 2, n);
  const product = new Float64Array(n);
  const meanOfProduct = (x: ArrayLike<number>, y: ArrayLike<number>): Float64Array => {
    for (let i = 0; i < n; i++) product[i] = x[i] * y[i];
    return mean(product);
  };
  const mR = mean(red);
  const mG = mean(green);
  const mB = mean(blue);
  const mP = mean(input);
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
  const meanAr = mean(mRP);
  const meanAg = mean(mGP);
  const meanAb = mean(mBP);
  const meanB = mean(mP);
  for (let i = 0; i < n; i++) out[i] = meanAr[i] * red[i] + meanAg[i] * green[i] + meanAb[i] * blue[i] + meanB[i];
}

function planeOf(planes: ArrayLike<number>, index: number, n: number): ArrayLike<number> {
  if (ArrayBuffer.isView(planes)) {
    const typed = planes as unknown as Float32Array;
    return typed.subarray(index * n, (index + 1) * n);
  }
  return Array.prototype.slice.call(planes, index * n, (index + 1) * n) as number[];
}

function checkParams(width: number, height: number, params: GuidedFilterParams, guidePlane: number, input: number, out: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`guided filter: bad size ${width} x ${height}`);
  }
  if (!Number.isInteger(params.radiusPx) || params.radiusPx < 0) throw new RangeError('guided filter: radiusPx must be an integer >= 0');
  if (!(params.eps > 0) || !Number.isFinite(params.eps)) throw new RangeError('guided filter: eps must be a positive number');
  const n = width * height;
  if (guidePlane !== n || input !== n || out !== n) throw new RangeError('guided filter: plane sizes do not match width x height');
}
