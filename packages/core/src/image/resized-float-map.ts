import { InvalidArgumentError } from '../errors';
import type { Roi } from './roi';
import type { FloatMap } from './float-map';
import { selectAxisEntries } from './linear-axis-subsets';
import {
  computeLinearAxisWeights,
  planeWindow,
  resizeBilinearWindow,
  type FloatPlaneWindow,
  type LinearAxisWeights,
} from './resize-bilinear';

/**
 * Safety margin of the tests in {@link ResizedFloatMap.forEachSpanAbove}, relative to the threshold (at least 1).
 * The kernel's value is `fround(sum of v * fround(h * w))` over the four source corners of a cell, with
 * non-negative float32 weights that sum to 1 within about 4 float32 rounding errors. Writing each corner as
 * `limit + d`, the value before its last rounding is `limit * (sum of weights) + sum of d * weight`: when every
 * corner is above `limit + margin`, that is above `limit` by more than the weight errors (about 2.4e-7 of the
 * threshold) and half a float32 step of it, so the rounded value is above the limit; the same holds below. The
 * same margin (times the corners' magnitude) bounds the gap between the kernel's value and the plain float64
 * bilinear value, about 2e-7 of the largest corner, which decides straddling pixels that are clearly away from
 * the limit.
 */
const CELL_TEST_MARGIN = 1e-6;

/** Source values larger than this in magnitude (and NaN) are never classified: their cells are computed. */
const CLASSIFIED_MAGNITUDE_MAX = 1e6;

/**
 * What a cell of the resize is known to hold, from its four source corners. Per source value, a class with the
 * bit of CELL_BELOW or CELL_ABOVE set (or neither); the AND of a cell's four classes is then its kind.
 */
const CELL_MIXED = 0;
const CELL_BELOW = 1;
const CELL_ABOVE = 2;

/**
 * A float map defined as the bilinear resize of a source map, evaluated only where it is read: the value at
 * column `x`, row `y` is exactly what `resizeBilinearWindow` (image/resize-bilinear.ts) with PyTorch's `'channels-last'` kernel (the one
 * PyTorch uses for a contiguous one-channel map) writes there when resizing `source` to `width` x `height`.
 *
 * SimpleClick's predictor resizes its S x S probabilities back to the zoom-in ROI after every click; on a
 * whole-image ROI of a 2-megapixel image that is 2 M pixels, of which the next click needs about (2 S)^2 and the
 * mask can be decided per source cell for most of them. This keeps the S x S source and computes:
 * single values ({@link valueAt}), grids of rows x columns ({@link sampleGrid}), the spans above a threshold
 * ({@link forEachSpanAbove}, cell by cell), and the whole map only when asked ({@link writeTo}).
 *
 * Immutable: the source array must not be written after construction.
 */
export class ResizedFloatMap {
  /** Size of the resized map. */
  readonly width: number;
  readonly height: number;
  /** The map that is resized (never modified). */
  readonly source: FloatMap;
  /** PyTorch's `align_corners` of the resize. */
  readonly alignCorners: boolean;
  readonly #rows: LinearAxisWeights;
  readonly #cols: LinearAxisWeights;
  #rowRuns: AxisRuns | undefined;
  #colRuns: AxisRuns | undefined;

  /** Throws {@link InvalidArgumentError} for sizes that are not positive integers or a source of the wrong length. */
  constructor(source: FloatMap, widthPx: number, heightPx: number, alignCorners = true) {
    for (const [name, value] of [
      ['source width', source.width],
      ['source height', source.height],
      ['width', widthPx],
      ['height', heightPx],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0)
        throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
    }
    if (!(source.data instanceof Float32Array) || source.data.length !== source.width * source.height) {
      throw new InvalidArgumentError(`source data must be a Float32Array of ${source.width * source.height} values`);
    }
    this.width = widthPx;
    this.height = heightPx;
    this.source = source;
    this.alignCorners = alignCorners;
    this.#rows = axisWeights(source.height, heightPx, alignCorners);
    this.#cols = axisWeights(source.width, widthPx, alignCorners);
    Object.freeze(this);
  }

  /**
   * The bilinear tables of the resize (source rows to rows of this map, source columns to columns): for kernels
   * that fold this resize into another one (image/composed-axis-taps.ts). Never write into them.
   * @internal
   */
  axisTables(): { readonly rows: LinearAxisWeights; readonly cols: LinearAxisWeights } {
    return { rows: this.#rows, cols: this.#cols };
  }

  /** The value at column `xPx`, row `yPx` (integers inside the map). */
  valueAt(xPx: number, yPx: number): number {
    const rows = this.#rows;
    const cols = this.#cols;
    const values = this.source.data;
    const stride = this.source.width;
    const fround = Math.fround;
    const row0 = rows.index0[yPx] * stride;
    const row1 = rows.index1[yPx] * stride;
    const c0 = cols.index0[xPx];
    const c1 = cols.index1[xPx];
    const h0 = rows.lambda0[yPx];
    const h1 = rows.lambda1[yPx];
    const w0 = cols.lambda0[xPx];
    const w1 = cols.lambda1[xPx];
    // The channels-last kernel's expression, term for term (see resize-bilinear.ts).
    return fround(
      values[row0 + c0] * fround(h0 * w0) +
        values[row0 + c1] * fround(h0 * w1) +
        values[row1 + c0] * fround(h1 * w0) +
        values[row1 + c1] * fround(h1 * w1),
    );
  }

  /** Writes the whole map into `target` (a window of this map's size, e.g. a region of a larger map). */
  writeTo(target: FloatPlaneWindow): void {
    if (target.width !== this.width || target.height !== this.height) {
      throw new InvalidArgumentError(
        `target is ${target.width} x ${target.height}, the map is ${this.width} x ${this.height}`,
      );
    }
    resizeBilinearWindow(this.#sourceWindow(), target, this.alignCorners, 'channels-last', this.#rows, this.#cols);
  }

  /** The whole map as a new FloatMap. */
  toFloatMap(): FloatMap {
    const data = new Float32Array(this.width * this.height);
    this.writeTo(planeWindow(data, this.width, this.height));
    return { width: this.width, height: this.height, data };
  }

  /**
   * The values at rows `rowsPx` x columns `colsPx` (any integers inside the map, any order):
   * `out.data[out.offset + i * out.rowStride + j]` = value at row `rowsPx[i]`, column `colsPx[j]`.
   * `out` must be `colsPx.length` wide and `rowsPx.length` high.
   */
  sampleGrid(rowsPx: Int32Array, colsPx: Int32Array, out: FloatPlaneWindow): void {
    if (out.width !== colsPx.length || out.height !== rowsPx.length) {
      throw new InvalidArgumentError(
        `out is ${out.width} x ${out.height}, expected ${colsPx.length} x ${rowsPx.length}`,
      );
    }
    checkIndices(rowsPx, this.height, 'row');
    checkIndices(colsPx, this.width, 'column');
    resizeBilinearWindow(
      this.#sourceWindow(),
      out,
      this.alignCorners,
      'channels-last',
      selectAxisEntries(this.#rows, rowsPx),
      selectAxisEntries(this.#cols, colsPx),
    );
  }

  /**
   * Calls `visit(yPx, xStartPx, xEndPx)` for every maximal run of pixels `xStartPx <= x < xEndPx` of row `yPx`
   * whose value is above `threshold` (strict, compared in float32 as `Math.fround(threshold)`), rows in order,
   * runs left to right: exactly the pixels where the materialised map is above the threshold.
   *
   * Works per source cell (the output pixels that read the same four source values): when all four corners are
   * clearly above the threshold (or all clearly below), every interpolated value in the cell is too, since it is
   * a convex combination of them up to float32 rounding (`CELL_TEST_MARGIN`); only the cells whose corners
   * straddle the threshold are interpolated, pixel by pixel, with the kernel's exact arithmetic.
   */
  forEachSpanAbove(threshold: number, visit: (yPx: number, xStartPx: number, xEndPx: number) => void): void {
    const scan = this.#cellScan(threshold);
    const { limit, segmentStart, segmentEnd, segmentKind, segmentRun } = scan;
    const rowStarts = scan.rowRuns.start;
    const colRuns = scan.colRuns;
    const rows = this.#rows;
    const cols = this.#cols;
    const values = this.source.data;
    const fround = Math.fround;
    for (let rowRun = 0; rowRun < scan.rowRuns.source0.length; rowRun++) {
      scan.classify(rowRun);
      if (!scan.mayHaveAbove) continue;
      const { row0, row1, segmentCount } = scan;
      for (let y = rowStarts[rowRun]; y < rowStarts[rowRun + 1]; y++) {
        const h0 = rows.lambda0[y];
        const h1 = rows.lambda1[y];
        let spanStart = -1;
        for (let segment = 0; segment < segmentCount; segment++) {
          const kind = segmentKind[segment];
          if (kind === CELL_ABOVE) {
            if (spanStart < 0) spanStart = segmentStart[segment];
          } else if (kind === CELL_BELOW) {
            if (spanStart >= 0) {
              visit(y, spanStart, segmentStart[segment]);
              spanStart = -1;
            }
          } else {
            // Straddling cell: per pixel, the plain bilinear value in float64 decides when it is clearly away
            // from the limit (it is within CELL_TEST_MARGIN of the kernel's value), else the kernel's exact
            // value (same expression as valueAt). Cells with NaN or infinite corners always take the exact way.
            const colRun = segmentRun[segment];
            const c0 = colRuns.source0[colRun];
            const c1 = colRuns.source1[colRun];
            const v00 = values[row0 + c0];
            const v01 = values[row0 + c1];
            const v10 = values[row1 + c0];
            const v11 = values[row1 + c1];
            const margin = CELL_TEST_MARGIN * Math.max(1, Math.abs(v00), Math.abs(v01), Math.abs(v10), Math.abs(v11));
            const high = limit + margin; // NaN when a corner is NaN, +Infinity when one is infinite
            const low = limit - margin;
            const estimates = high < Number.POSITIVE_INFINITY;
            for (let x = segmentStart[segment]; x < segmentEnd[segment]; x++) {
              const w0 = cols.lambda0[x];
              const w1 = cols.lambda1[x];
              let above: boolean;
              const estimate = (v00 * w0 + v01 * w1) * h0 + (v10 * w0 + v11 * w1) * h1;
              if (estimates && estimate > high) above = true;
              else if (estimates && estimate < low) above = false;
              else {
                const value = fround(
                  v00 * fround(h0 * w0) + v01 * fround(h0 * w1) + v10 * fround(h1 * w0) + v11 * fround(h1 * w1),
                );
                above = value > limit;
              }
              if (above) {
                if (spanStart < 0) spanStart = x;
              } else if (spanStart >= 0) {
                visit(y, spanStart, x);
                spanStart = -1;
              }
            }
          }
        }
        if (spanStart >= 0) visit(y, spanStart, this.width);
      }
    }
  }

  /**
   * Inclusive bounding box of the pixels above `threshold` (strict, in float32), or `null` when there is none:
   * the box of the pixels {@link forEachSpanAbove} reports. Searches inwards from each side, cell by cell as
   * there, and stops at the first pixel found, so it rarely computes more than the cells outside the box.
   */
  boxAbove(threshold: number): Roi | null {
    const scan = this.#cellScan(threshold);
    const rowStarts = scan.rowRuns.start;
    const rowRunCount = scan.rowRuns.source0.length;
    const rowFrom = (run: number) => rowStarts[run];
    const rowTo = (run: number) => rowStarts[run + 1] - 1;
    // Top and bottom rows.
    let rowMin = -1;
    let topRun = -1;
    for (let run = 0; run < rowRunCount && rowMin < 0; run++) {
      scan.classify(run);
      if (!scan.mayHaveAbove) continue;
      for (let y = rowFrom(run); y <= rowTo(run); y++) {
        if (scan.rowHasAbove(y)) {
          rowMin = y;
          topRun = run;
          break;
        }
      }
    }
    if (rowMin < 0) return null;
    let rowMax = rowMin;
    let bottomRun = topRun;
    for (let run = rowRunCount - 1; run >= topRun; run--) {
      scan.classify(run);
      if (!scan.mayHaveAbove) continue;
      let found = false;
      for (let y = rowTo(run); y >= Math.max(rowFrom(run), rowMin); y--) {
        if (scan.rowHasAbove(y)) {
          rowMax = y;
          bottomRun = run;
          found = true;
          break;
        }
      }
      if (found) break;
    }
    // Leftmost and rightmost columns over those rows: each row run is searched inwards from both ends, cell by
    // cell, up to the columns already found.
    let colMin = this.width;
    let colMax = -1;
    const colStarts = scan.colRuns.start;
    for (let run = topRun; run <= bottomRun; run++) {
      scan.selectRowRun(run);
      // Cells outside the active runs are all below: the searches start at the active runs' ends.
      const activeFirst = scan.activeFirst;
      const activeLast = scan.activeLast;
      if (activeFirst > activeLast) continue;
      const yFirst = Math.max(rowFrom(run), rowMin);
      const yLast = Math.min(rowTo(run), rowMax);
      const anyRowAbove = (colRun: number, x: number): boolean => {
        for (let y = yFirst; y <= yLast; y++) if (scan.pixelAbove(colRun, x, y)) return true;
        return false;
      };
      left: for (let colRun = activeFirst; colRun <= activeLast && colStarts[colRun] < colMin; colRun++) {
        const kind = scan.kindOf(colRun);
        if (kind === CELL_BELOW) continue;
        if (kind === CELL_ABOVE) {
          colMin = colStarts[colRun];
          break;
        }
        for (let x = colStarts[colRun]; x < Math.min(colStarts[colRun + 1], colMin); x++) {
          if (anyRowAbove(colRun, x)) {
            colMin = x;
            break left;
          }
        }
      }
      right: for (let colRun = activeLast; colRun >= activeFirst && colStarts[colRun + 1] - 1 > colMax; colRun--) {
        const kind = scan.kindOf(colRun);
        if (kind === CELL_BELOW) continue;
        if (kind === CELL_ABOVE) {
          colMax = colStarts[colRun + 1] - 1;
          break;
        }
        for (let x = colStarts[colRun + 1] - 1; x >= Math.max(colStarts[colRun], colMax + 1); x--) {
          if (anyRowAbove(colRun, x)) {
            colMax = x;
            break right;
          }
        }
      }
    }
    return { rowMin, rowMax, colMin, colMax };
  }

  #cellScan(threshold: number): CellScan {
    this.#rowRuns ??= cachedAxisRuns(this.#rows);
    this.#colRuns ??= cachedAxisRuns(this.#cols);
    return new CellScan(this.source, this.#rows, this.#cols, this.#rowRuns, this.#colRuns, Math.fround(threshold));
  }

  #sourceWindow(): FloatPlaneWindow {
    return planeWindow(this.source.data, this.source.width, this.source.height);
  }
}

/**
 * The cells of a {@link ResizedFloatMap} against a threshold, one row run at a time: `classify(run)` groups the
 * column runs of that row run into segments `[segmentStart, segmentEnd)` of cells all below, all above, or
 * mixed (mixed cells stay one segment each, `segmentRun` names their column run).
 */
class CellScan {
  readonly limit: number;
  readonly rowRuns: AxisRuns;
  readonly colRuns: AxisRuns;
  readonly segmentStart: Int32Array;
  readonly segmentEnd: Int32Array;
  readonly segmentKind: Uint8Array;
  readonly segmentRun: Int32Array;
  segmentCount = 0;
  /** Whether the classified row run has cells above or mixed. */
  mayHaveAbove = false;
  /** Offsets of the classified row run's two source rows. */
  row0 = 0;
  row1 = 0;
  /**
   * The column runs of the current row run whose cells may be other than all below (`activeFirst >
   * activeLast`: none): every cell outside them is below, known from the source rows' active columns.
   */
  activeFirst = 0;
  activeLast = -1;
  /** Per source row: the first and last column whose value is not classified below (-1, -2 when none). */
  readonly #activeColFirst: Int32Array;
  readonly #activeColLast: Int32Array;
  readonly #values: Float32Array;
  readonly #stride: number;
  readonly #rows: LinearAxisWeights;
  readonly #cols: LinearAxisWeights;
  /** Per source value: CELL_ABOVE, CELL_BELOW or CELL_MIXED against the limit with its margin. */
  readonly #classes: Uint8Array;

  constructor(
    source: FloatMap,
    rows: LinearAxisWeights,
    cols: LinearAxisWeights,
    rowRuns: AxisRuns,
    colRuns: AxisRuns,
    limit: number,
  ) {
    this.#values = source.data;
    this.#stride = source.width;
    this.#rows = rows;
    this.#cols = cols;
    this.rowRuns = rowRuns;
    this.colRuns = colRuns;
    this.limit = limit;
    const margin = CELL_TEST_MARGIN * Math.max(1, Math.abs(limit));
    const high = limit + margin;
    const low = limit - margin;
    const values = source.data;
    const classes = new Uint8Array(values.length);
    const stride = source.width;
    const activeColFirst = new Int32Array(source.height).fill(-1);
    const activeColLast = new Int32Array(source.height).fill(-2);
    for (let row = 0, i = 0; row < source.height; row++) {
      let first = -1;
      let last = -2;
      for (let col = 0; col < stride; col++, i++) {
        const value = values[i];
        // NaN fails every comparison and stays unclassified.
        if (value < low && value >= -CLASSIFIED_MAGNITUDE_MAX) {
          classes[i] = CELL_BELOW;
          continue;
        }
        if (value > high && value <= CLASSIFIED_MAGNITUDE_MAX) classes[i] = CELL_ABOVE;
        if (first < 0) first = col;
        last = col;
      }
      activeColFirst[row] = first;
      activeColLast[row] = last;
    }
    this.#classes = classes;
    this.#activeColFirst = activeColFirst;
    this.#activeColLast = activeColLast;
    const count = colRuns.source0.length;
    this.segmentStart = new Int32Array(count);
    this.segmentEnd = new Int32Array(count);
    this.segmentKind = new Uint8Array(count);
    this.segmentRun = new Int32Array(count);
  }

  /** Makes `rowRun` the current row run without classifying its cells (for {@link kindOf}). */
  selectRowRun(rowRun: number): void {
    this.row0 = this.rowRuns.source0[rowRun] * this.#stride;
    this.row1 = this.rowRuns.source1[rowRun] * this.#stride;
    this.#selectActiveRuns(this.rowRuns.source0[rowRun], this.rowRuns.source1[rowRun]);
  }

  /**
   * Sets `activeFirst`/`activeLast` for source rows `r0` and `r1`: the column runs that read a column inside
   * either row's active columns (a cell reading only columns outside them has four corners below).
   */
  #selectActiveRuns(r0: number, r1: number): void {
    const first0 = this.#activeColFirst[r0];
    const first1 = this.#activeColFirst[r1];
    const colFrom = first0 < 0 ? first1 : first1 < 0 ? first0 : Math.min(first0, first1);
    const colTo = Math.max(this.#activeColLast[r0], this.#activeColLast[r1]);
    if (colFrom < 0) {
      this.activeFirst = 0;
      this.activeLast = -1;
      return;
    }
    // Both source lists are non-decreasing along the runs: binary searches.
    const { source0, source1 } = this.colRuns;
    let lo = 0;
    let hi = source1.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (source1[mid] < colFrom) lo = mid + 1;
      else hi = mid;
    }
    const firstRun = lo;
    lo = firstRun;
    hi = source0.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (source0[mid] <= colTo) lo = mid + 1;
      else hi = mid;
    }
    this.activeFirst = firstRun;
    this.activeLast = lo - 1;
  }

  /** The kind of the cell of column run `colRun` in the current row run. */
  kindOf(colRun: number): number {
    const classes = this.#classes;
    const c0 = this.colRuns.source0[colRun];
    const c1 = this.colRuns.source1[colRun];
    return classes[this.row0 + c0] & classes[this.row0 + c1] & classes[this.row1 + c0] & classes[this.row1 + c1];
  }

  /** Classifies the cells of `rowRun` into segments and makes it the current row run. */
  classify(rowRun: number): void {
    const classes = this.#classes;
    const colRuns = this.colRuns;
    const { segmentStart, segmentEnd, segmentKind, segmentRun } = this;
    const row0 = this.rowRuns.source0[rowRun] * this.#stride;
    const row1 = this.rowRuns.source1[rowRun] * this.#stride;
    this.#selectActiveRuns(this.rowRuns.source0[rowRun], this.rowRuns.source1[rowRun]);
    const activeFirst = this.activeFirst;
    const activeLast = this.activeLast;
    const runCount = colRuns.source0.length;
    let segmentCount = 0;
    let mayHaveAbove = false;
    if (activeFirst > activeLast) {
      // No active column in either source row: one segment, all below.
      segmentStart[0] = 0;
      segmentEnd[0] = colRuns.start[runCount];
      segmentKind[0] = CELL_BELOW;
      segmentRun[0] = 0;
      this.row0 = row0;
      this.row1 = row1;
      this.segmentCount = 1;
      this.mayHaveAbove = false;
      return;
    }
    if (activeFirst > 0) {
      // The runs before the active ones: all below.
      segmentStart[0] = 0;
      segmentEnd[0] = colRuns.start[activeFirst];
      segmentKind[0] = CELL_BELOW;
      segmentRun[0] = 0;
      segmentCount = 1;
    }
    for (let colRun = activeFirst; colRun < runCount; colRun++) {
      if (colRun > activeLast) {
        // The rest: all below, merged with a below segment before it.
        if (segmentCount > 0 && segmentKind[segmentCount - 1] === CELL_BELOW) {
          segmentEnd[segmentCount - 1] = colRuns.start[runCount];
        } else {
          segmentStart[segmentCount] = colRuns.start[colRun];
          segmentEnd[segmentCount] = colRuns.start[runCount];
          segmentKind[segmentCount] = CELL_BELOW;
          segmentRun[segmentCount] = colRun;
          segmentCount++;
        }
        break;
      }
      const c0 = colRuns.source0[colRun];
      const c1 = colRuns.source1[colRun];
      const kind = classes[row0 + c0] & classes[row0 + c1] & classes[row1 + c0] & classes[row1 + c1];
      if (kind !== CELL_BELOW) mayHaveAbove = true;
      if (kind !== CELL_MIXED && segmentCount > 0 && segmentKind[segmentCount - 1] === kind) {
        segmentEnd[segmentCount - 1] = colRuns.start[colRun + 1];
      } else {
        segmentStart[segmentCount] = colRuns.start[colRun];
        segmentEnd[segmentCount] = colRuns.start[colRun + 1];
        segmentKind[segmentCount] = kind;
        segmentRun[segmentCount] = colRun;
        segmentCount++;
      }
    }
    this.row0 = row0;
    this.row1 = row1;
    this.segmentCount = segmentCount;
    this.mayHaveAbove = mayHaveAbove;
  }

  /** Whether pixel (x, y) is above the limit; x in column run `colRun`, y in the current row run. */
  pixelAbove(colRun: number, x: number, y: number): boolean {
    const values = this.#values;
    const c0 = this.colRuns.source0[colRun];
    const c1 = this.colRuns.source1[colRun];
    const h0 = this.#rows.lambda0[y];
    const h1 = this.#rows.lambda1[y];
    const w0 = this.#cols.lambda0[x];
    const w1 = this.#cols.lambda1[x];
    const fround = Math.fround;
    const value = fround(
      values[this.row0 + c0] * fround(h0 * w0) +
        values[this.row0 + c1] * fround(h0 * w1) +
        values[this.row1 + c0] * fround(h1 * w0) +
        values[this.row1 + c1] * fround(h1 * w1),
    );
    return value > this.limit;
  }

  /** Whether row `y` of the classified row run has a pixel above the limit. */
  rowHasAbove(y: number): boolean {
    for (let segment = 0; segment < this.segmentCount; segment++) {
      const kind = this.segmentKind[segment];
      if (kind === CELL_ABOVE) return true;
      if (kind === CELL_MIXED) {
        const colRun = this.segmentRun[segment];
        for (let x = this.segmentStart[segment]; x < this.segmentEnd[segment]; x++) {
          if (this.pixelAbove(colRun, x, y)) return true;
        }
      }
    }
    return false;
  }
}

/** Consecutive output indices that read the same source indices (index0 never decreases along an axis). */
interface AxisRuns {
  /** Output index where each run starts, plus one entry for the end of the axis. */
  readonly start: Int32Array;
  /** The two source indices each run reads. */
  readonly source0: Int32Array;
  readonly source1: Int32Array;
}

function axisRuns(axis: LinearAxisWeights): AxisRuns {
  const length = axis.index0.length;
  const startsRun = (d: number) =>
    d === 0 || axis.index0[d] !== axis.index0[d - 1] || axis.index1[d] !== axis.index1[d - 1];
  let count = 0;
  for (let d = 0; d < length; d++) if (startsRun(d)) count++;
  const start = new Int32Array(count + 1);
  const source0 = new Int32Array(count);
  const source1 = new Int32Array(count);
  for (let d = 0, run = 0; d < length; d++) {
    if (!startsRun(d)) continue;
    start[run] = d;
    source0[run] = axis.index0[d];
    source1[run] = axis.index1[d];
    run++;
  }
  start[count] = length;
  return { start, source0, source1 };
}

/**
 * The runs of an axis table, shared by the maps that share the table (the axis cache below hands the same table
 * to every map of the same sizes, e.g. the states of one object while its ROI is kept): computing them was a
 * visible part of each new state's first mask on a 2-megapixel ROI. Never written after creation.
 */
const axisRunsCache = new WeakMap<LinearAxisWeights, AxisRuns>();

function cachedAxisRuns(axis: LinearAxisWeights): AxisRuns {
  let runs = axisRunsCache.get(axis);
  if (runs === undefined) {
    runs = axisRuns(axis);
    axisRunsCache.set(axis, runs);
  }
  return runs;
}

function checkIndices(indices: Int32Array, size: number, what: string): void {
  for (let k = 0; k < indices.length; k++) {
    if (indices[k] < 0 || indices[k] >= size)
      throw new InvalidArgumentError(`${what} ${indices[k]} is outside 0..${size - 1}`);
  }
}

/**
 * Axis tables shared between maps of the same sizes (the states of one object usually share their ROI).
 * Never written after creation. A few entries are enough; the oldest is dropped first.
 */
const AXIS_CACHE_SIZE = 16;
const axisCache = new Map<string, LinearAxisWeights>();

function axisWeights(inputSizePx: number, outputSizePx: number, alignCorners: boolean): LinearAxisWeights {
  const key = `${inputSizePx} ${outputSizePx} ${alignCorners}`;
  let axis = axisCache.get(key);
  if (axis === undefined) {
    axis = computeLinearAxisWeights(inputSizePx, outputSizePx, alignCorners);
    if (axisCache.size >= AXIS_CACHE_SIZE) axisCache.delete(axisCache.keys().next().value as string);
    axisCache.set(key, axis);
  }
  return axis;
}
