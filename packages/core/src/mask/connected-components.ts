import { InvalidArgumentError } from '../errors';
import { assertBinaryMask } from './assert-mask';
import type { BinaryMask } from './binary-mask';

/**
 * Pixel connectivity: `4` joins pixels that share an edge, `8` also joins pixels that share only a corner.
 * Holes are always taken with the other connectivity (8-connected objects have 4-connected holes and the
 * reverse), the usual rule that keeps object and background topologically consistent.
 */
export type Connectivity = 4 | 8;

/** The default connectivity of the mask functions (8, as OpenCV and scikit-image default to in 2-D). */
export const DEFAULT_CONNECTIVITY: Connectivity = 8;

/** Options of {@link labelConnectedComponents}. */
export interface ConnectedComponentsOptions {
  /** Pixel connectivity, default {@link DEFAULT_CONNECTIVITY}. */
  readonly connectivity: Connectivity;
}

/** The labelled components of a mask. */
export interface ConnectedComponents {
  readonly width: number;
  readonly height: number;
  /**
   * Label per pixel, row-major: `0` for background, `1..count` for the components, numbered in raster order of
   * each component's first (top-most, then left-most) pixel.
   */
  readonly labels: Int32Array;
  /** Number of components. */
  readonly count: number;
  /** `areasPx[k]` is the pixel count of component `k`; length `count + 1`, `areasPx[0]` is 0. */
  readonly areasPx: Uint32Array;
}

/** Throws {@link InvalidArgumentError} unless `connectivity` is 4 or 8. */
export function assertConnectivity(connectivity: unknown): asserts connectivity is Connectivity {
  if (connectivity !== 4 && connectivity !== 8) {
    throw new InvalidArgumentError(`connectivity must be 4 or 8, got ${String(connectivity)}`);
  }
}

/**
 * Labels the foreground (non-zero) components of a mask. Works on horizontal runs of pixels with union-find
 * (path halving, smaller label wins): one pass finds the runs of each row and joins them to the overlapping
 * runs of the row above, a second fills the label image. Time is linear in the pixel count with a small
 * constant (the union-find work grows with the number of runs, not pixels); no per-pixel allocation.
 */
export function labelConnectedComponents(
  mask: BinaryMask,
  options: Partial<ConnectedComponentsOptions> = {},
): ConnectedComponents {
  assertBinaryMask(mask);
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  assertConnectivity(connectivity);
  return labelPixels(mask, connectivity, true);
}

/**
 * Components as labelled horizontal runs: the runs of row `y` are `rowFirstRun[y] .. rowFirstRun[y + 1] - 1`,
 * run `k` covers columns `runStart[k] .. runEnd[k] - 1` and belongs to component `runLabel[k]` (1-based, raster
 * order of first pixels). Cheaper than a label image when only whole components are kept or dropped.
 * @internal
 */
export interface LabelledRuns {
  readonly width: number;
  readonly height: number;
  readonly rowFirstRun: Int32Array;
  readonly runStart: Int32Array;
  readonly runEnd: Int32Array;
  readonly runLabel: Int32Array;
  readonly count: number;
  readonly areasPx: Uint32Array;
}

/**
 * Finds and labels the runs of pixels equal to the wanted value: non-zero pixels when `labelForeground`, zero
 * pixels otherwise (used for holes, without building an inverted copy of the mask).
 * @internal
 */
export function labelRuns(mask: BinaryMask, connectivity: Connectivity, labelForeground: boolean): LabelledRuns {
  const { width, height, data } = mask;
  let capacity = 1024;
  let runStart = new Int32Array(capacity);
  let runEnd = new Int32Array(capacity);
  let parent = new Int32Array(capacity);
  const rowFirstRun = new Int32Array(height + 1);
  let runCount = 0;

  const find = (run: number): number => {
    while (parent[run] !== run) {
      parent[run] = parent[parent[run]];
      run = parent[run];
    }
    return run;
  };
  // Overlap test with the row above: 8-connected runs may also touch diagonally.
  const reach = connectivity === 8 ? 1 : 0;
  const wanted = labelForeground ? 1 : 0;

  for (let y = 0; y < height; y++) {
    rowFirstRun[y] = runCount;
    const row = y * width;
    let above = y > 0 ? rowFirstRun[y - 1] : 0;
    const aboveEnd = y > 0 ? rowFirstRun[y] : 0;
    let x = 0;
    while (x < width) {
      while (x < width && (data[row + x] !== 0 ? 1 : 0) !== wanted) x++;
      if (x >= width) break;
      const start = x;
      while (x < width && (data[row + x] !== 0 ? 1 : 0) === wanted) x++;
      if (runCount === capacity) {
        capacity *= 2;
        runStart = grow(runStart, capacity);
        runEnd = grow(runEnd, capacity);
        parent = grow(parent, capacity);
      }
      const run = runCount++;
      runStart[run] = start;
      runEnd[run] = x;
      parent[run] = run;
      // Runs above that end before this one (minus reach) cannot touch it or any later run of this row.
      while (above < aboveEnd && runEnd[above] + reach <= start) above++;
      for (let k = above; k < aboveEnd && runStart[k] < x + reach; k++) {
        const rootAbove = find(k);
        const rootHere = find(run);
        if (rootAbove < rootHere) parent[rootHere] = rootAbove;
        else if (rootHere < rootAbove) parent[rootAbove] = rootHere;
      }
    }
  }
  rowFirstRun[height] = runCount;

  // Roots in increasing order are the components in raster order of their first pixel (a component's first
  // run is its smallest run index, and the smaller root always wins).
  const runLabel = new Int32Array(runCount);
  let count = 0;
  for (let run = 0; run < runCount; run++) {
    const root = find(run);
    runLabel[run] = root === run ? ++count : runLabel[root];
  }
  const areasPx = new Uint32Array(count + 1);
  for (let run = 0; run < runCount; run++) areasPx[runLabel[run]] += runEnd[run] - runStart[run];
  return { width, height, rowFirstRun, runStart, runEnd, runLabel, count, areasPx };
}

/**
 * Labels the pixels equal to the wanted value as a label image (see {@link labelRuns}).
 * @internal
 */
function labelPixels(mask: BinaryMask, connectivity: Connectivity, labelForeground: boolean): ConnectedComponents {
  const runs = labelRuns(mask, connectivity, labelForeground);
  const { width, height, rowFirstRun, runStart, runEnd, runLabel, count, areasPx } = runs;
  const labels = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let run = rowFirstRun[y]; run < rowFirstRun[y + 1]; run++) {
      labels.fill(runLabel[run], row + runStart[run], row + runEnd[run]);
    }
  }
  return { width, height, labels, count, areasPx };
}

/**
 * The component label of pixel (x, y) in labelled runs, or 0 when the pixel is not in any run.
 * @internal
 */
export function runLabelAt(runs: LabelledRuns, x: number, y: number): number {
  let low = runs.rowFirstRun[y];
  let high = runs.rowFirstRun[y + 1] - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (runs.runEnd[middle] <= x) low = middle + 1;
    else if (runs.runStart[middle] > x) high = middle - 1;
    else return runs.runLabel[middle];
  }
  return 0;
}

/**
 * A 0/1 mask with the runs of the components for which `keep[label]` is 1 set (other pixels 0).
 * @internal
 */
export function maskFromRuns(runs: LabelledRuns, keep: Uint8Array): BinaryMask {
  const { width, height, rowFirstRun, runStart, runEnd, runLabel } = runs;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let run = rowFirstRun[y]; run < rowFirstRun[y + 1]; run++) {
      if (keep[runLabel[run]] === 1) data.fill(1, row + runStart[run], row + runEnd[run]);
    }
  }
  return { width, height, data };
}

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}
