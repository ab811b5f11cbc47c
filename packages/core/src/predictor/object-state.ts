import { InvalidArgumentError, InvalidMaskError } from '../errors';
import { boundingBoxAbove } from '../image/bounding-box-above';
import type { FloatMap } from '../image/float-map';
import { planeWindow, type FloatPlaneWindow } from '../image/resize-bilinear';
import { ResizedFloatMap } from '../image/resized-float-map';
import type { BinaryMask } from '../mask/binary-mask';
import { DEFAULT_MASK_THRESHOLD } from '../mask/threshold-probabilities';
import { clearReusedMask, recordBox, recordSpan } from './reused-mask';
import type { Roi } from '../image/roi';

/**
 * Everything the predictor remembers about one object between clicks (official: `prev_prediction` and the
 * zoom-in ROI): the previous probabilities and the ROI of the last prediction.
 *
 * The predictor pastes each result into a zero map, so the probabilities are 0 outside the ROI; a state keeps
 * only the region that can be non-zero (`probabilityRegion`), which makes a state of a small object on a
 * large image small. Inside the region it keeps either the values themselves (`regionProbabilities`: imported
 * masks, and predictions whose ROI has at most S x S pixels) or, for larger ROIs, the S x S network
 * probabilities whose bilinear resize they are (`resizedRegionProbabilities`), evaluated only where they are
 * needed: the next click reads about (2 S)^2 of them, the mask is decided per source cell, and the full map is
 * built only when asked for ({@link toProbabilityMap}). Either way a state holds at most S x S values per
 * prediction (800 KB at S = 448), whatever the image size, and every method gives exactly the values of the
 * materialised map.
 *
 * States are immutable (frozen, and their arrays are never written after creation): keeping old states is all
 * an undo/redo stack needs.
 */
export class ObjectState {
  /** Size of the image the state belongs to. */
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  /** Zoom-in ROI of the last prediction; `null` before the first prediction or after importing a mask. */
  readonly roi: Roi | null;
  /** Probabilities are 0 outside this box (inclusive); `null` when they are 0 everywhere. */
  readonly probabilityRegion: Roi | null;
  /**
   * The probabilities inside `probabilityRegion` as the bilinear resize (align_corners, PyTorch's channels-last
   * kernel) of the network's S x S probabilities to the region's size, when the state keeps them that way;
   * otherwise `null` and `regionProbabilities` holds the values.
   */
  readonly resizedRegionProbabilities: ResizedFloatMap | null;
  /** The values inside the region: kept from creation, or built on the first read of `regionProbabilities`. */
  #regionValues: Float32Array | null;
  /** Memo of {@link foregroundBox} per threshold; not part of the state's value. */
  readonly #foregroundBoxes = new Map<number, Roi | null>();

  private constructor(
    imageWidthPx: number,
    imageHeightPx: number,
    roi: Roi | null,
    probabilityRegion: Roi | null,
    regionProbabilities: Float32Array | null,
    resizedRegionProbabilities: ResizedFloatMap | null = null,
  ) {
    this.imageWidthPx = imageWidthPx;
    this.imageHeightPx = imageHeightPx;
    this.roi = roi === null ? null : Object.freeze({ ...roi });
    this.probabilityRegion = probabilityRegion === null ? null : Object.freeze({ ...probabilityRegion });
    this.#regionValues = regionProbabilities;
    this.resizedRegionProbabilities = resizedRegionProbabilities;
    Object.freeze(this);
  }

  /**
   * Row-major float32 probabilities inside `probabilityRegion`; `null` with it. Never modified.
   * For a state that keeps S x S network probabilities (`resizedRegionProbabilities`), the first read builds the
   * region's values (a region-size array, kept from then on): prefer {@link toMask}, {@link probabilityAt} and
   * {@link foregroundBox}, which do not.
   */
  get regionProbabilities(): Float32Array | null {
    if (this.#regionValues === null && this.resizedRegionProbabilities !== null) {
      this.#regionValues = this.resizedRegionProbabilities.toFloatMap().data;
    }
    return this.#regionValues;
  }

  /** The state before the first click: all probabilities 0, no ROI. */
  static empty(imageWidthPx: number, imageHeightPx: number): ObjectState {
    checkImageSize(imageWidthPx, imageHeightPx);
    return new ObjectState(imageWidthPx, imageHeightPx, null, null, null);
  }

  /**
   * The state after a prediction: `roiProbabilities` (row-major, ROI-sized) pasted into zeros.
   * The array is kept, not copied: the caller must not write to it afterwards.
   * See {@link fromNetProbabilities} for large ROIs.
   */
  static fromPrediction(
    imageWidthPx: number,
    imageHeightPx: number,
    roi: Roi,
    roiProbabilities: Float32Array,
  ): ObjectState {
    checkImageSize(imageWidthPx, imageHeightPx);
    const expected = (roi.rowMax - roi.rowMin + 1) * (roi.colMax - roi.colMin + 1);
    if (roiProbabilities.length !== expected) {
      throw new InvalidArgumentError(`ROI probabilities have ${roiProbabilities.length} values, expected ${expected}`);
    }
    return new ObjectState(imageWidthPx, imageHeightPx, roi, roi, roiProbabilities);
  }

  /**
   * The state after a prediction whose probabilities are `netProbabilities` (the S x S network output) resized
   * bilinearly (align_corners, PyTorch's channels-last kernel) to the ROI and pasted into zeros: the same values
   * as {@link fromPrediction} with the resized map, without building it. The array is kept, not copied: the
   * caller must not write to it afterwards.
   */
  static fromNetProbabilities(
    imageWidthPx: number,
    imageHeightPx: number,
    roi: Roi,
    netProbabilities: FloatMap,
  ): ObjectState {
    checkImageSize(imageWidthPx, imageHeightPx);
    checkRoiInside(roi, imageWidthPx, imageHeightPx);
    const resized = new ResizedFloatMap(netProbabilities, roi.colMax - roi.colMin + 1, roi.rowMax - roi.rowMin + 1);
    return new ObjectState(imageWidthPx, imageHeightPx, roi, roi, null, resized);
  }

  /**
   * A state whose previous probabilities are `map` (full image size, values in [0, 1]) and which has no ROI
   * yet: how an object starts from an imported mask. The next click zooms in on the mask's box (the ROI is
   * chosen from the previous probabilities, as after any other prediction). Copies what it keeps.
   * Throws {@link InvalidMaskError} for a wrong buffer length or values outside [0, 1].
   */
  static fromProbabilities(map: FloatMap): ObjectState {
    checkImageSize(map.width, map.height);
    if (map.data.length !== map.width * map.height) {
      throw new InvalidMaskError(`probability map has ${map.data.length} values, expected ${map.width * map.height}`);
    }
    for (let i = 0; i < map.data.length; i++) {
      const value = map.data[i];
      if (!(value >= 0 && value <= 1)) {
        throw new InvalidMaskError(`probability map value ${value} at index ${i} is not in [0, 1]`);
      }
    }
    const region = boundingBoxAbove(map.data, map.width, map.height, 0);
    if (region === null) return ObjectState.empty(map.width, map.height);
    return new ObjectState(
      map.width,
      map.height,
      null,
      region,
      copyRegion(map.data, map.width, region, (v) => v),
    );
  }

  /** {@link fromProbabilities} for a binary mask (probability 1 inside, 0 outside). */
  static fromMask(mask: BinaryMask): ObjectState {
    checkImageSize(mask.width, mask.height);
    if (mask.data.length !== mask.width * mask.height) {
      throw new InvalidMaskError(`mask has ${mask.data.length} values, expected ${mask.width * mask.height}`);
    }
    const region = boundingBoxAbove(mask.data, mask.width, mask.height, 0);
    if (region === null) return ObjectState.empty(mask.width, mask.height);
    return new ObjectState(
      mask.width,
      mask.height,
      null,
      region,
      copyRegion(mask.data, mask.width, region, (v) => (v !== 0 ? 1 : 0)),
    );
  }

  /** True when every probability is 0. */
  get isEmpty(): boolean {
    return this.probabilityRegion === null;
  }

  /** The probability at column `xPx`, row `yPx` (integers inside the image). */
  probabilityAt(xPx: number, yPx: number): number {
    const region = this.probabilityRegion;
    if (region === null) return 0;
    if (yPx < region.rowMin || yPx > region.rowMax || xPx < region.colMin || xPx > region.colMax) return 0;
    const resized = this.resizedRegionProbabilities;
    if (resized !== null) return resized.valueAt(xPx - region.colMin, yPx - region.rowMin);
    const width = region.colMax - region.colMin + 1;
    return (this.#regionValues as Float32Array)[(yPx - region.rowMin) * width + (xPx - region.colMin)];
  }

  /**
   * Inclusive bounding box of the pixels whose probability is above `threshold` (strict, in float32), or
   * `null` when there is none. Scans only the probability region; memoised per threshold.
   */
  foregroundBox(threshold: number): Roi | null {
    const cached = this.#foregroundBoxes.get(threshold);
    if (cached !== undefined) return cached;
    let box: Roi | null = null;
    const region = this.probabilityRegion;
    if (region !== null) {
      const limit = Math.fround(threshold);
      const width = region.colMax - region.colMin + 1;
      const resized = this.resizedRegionProbabilities;
      const local =
        resized !== null
          ? resized.boxAbove(limit)
          : boundingBoxAbove(this.#regionValues as Float32Array, width, region.rowMax - region.rowMin + 1, limit);
      if (local !== null) {
        box = Object.freeze({
          rowMin: local.rowMin + region.rowMin,
          rowMax: local.rowMax + region.rowMin,
          colMin: local.colMin + region.colMin,
          colMax: local.colMax + region.colMin,
        });
      }
    }
    this.#foregroundBoxes.set(threshold, box);
    return box;
  }

  /** The probabilities at full image size (zeros outside the region): a new map on each call. */
  toProbabilityMap(): FloatMap {
    const data = new Float32Array(this.imageWidthPx * this.imageHeightPx);
    const region = this.probabilityRegion;
    if (region !== null) {
      const width = region.colMax - region.colMin + 1;
      const height = region.rowMax - region.rowMin + 1;
      const resized = this.resizedRegionProbabilities;
      if (resized !== null) {
        // Resized straight into the full map: the window is the region of the image.
        resized.writeTo({
          data,
          offset: region.rowMin * this.imageWidthPx + region.colMin,
          rowStride: this.imageWidthPx,
          width,
          height,
        });
      } else {
        const values = this.#regionValues as Float32Array;
        for (let row = region.rowMin; row <= region.rowMax; row++) {
          const from = (row - region.rowMin) * width;
          data.set(values.subarray(from, from + width), row * this.imageWidthPx + region.colMin);
        }
      }
    }
    return { width: this.imageWidthPx, height: this.imageHeightPx, data };
  }

  /**
   * The mask at full image size: 1 where the probability is above `threshold` (compared in float32, as the
   * official `probs > 0.49` on a float32 array). A new mask on each call; cheap to call again with another
   * threshold, nothing is rerun.
   *
   * With `into` (a mask of the image's size), writes into it and returns it instead of allocating: for a
   * caller that redraws one object per click, which then allocates no image-sized buffer per click. When
   * `into` came from an earlier call with `into` (and nobody wrote into it since), only the ones that call
   * wrote are cleared, so the cost follows the object, not the image's size; any other buffer is cleared
   * whole first.
   */
  toMask(threshold: number = DEFAULT_MASK_THRESHOLD, into?: BinaryMask): BinaryMask {
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new InvalidArgumentError(`threshold must be a number, got ${String(threshold)}`);
    }
    let mask: BinaryMask;
    // What this call writes into a reused buffer, so that its next use clears only that.
    const record = into === undefined ? null : clearReusedMask(into, this.imageWidthPx, this.imageHeightPx);
    if (into === undefined) {
      mask = {
        width: this.imageWidthPx,
        height: this.imageHeightPx,
        data: new Uint8Array(this.imageWidthPx * this.imageHeightPx),
      };
    } else {
      mask = into;
    }
    const data = mask.data;
    const region = this.probabilityRegion;
    const resized = this.resizedRegionProbabilities;
    if (region !== null && resized !== null) {
      const imageWidth = this.imageWidthPx;
      resized.forEachSpanAbove(threshold, (y, xStart, xEnd) => {
        const rowStart = (region.rowMin + y) * imageWidth + region.colMin;
        data.fill(1, rowStart + xStart, rowStart + xEnd);
        if (record !== null) recordSpan(record, rowStart + xStart, rowStart + xEnd);
      });
    } else if (region !== null) {
      const values = this.#regionValues as Float32Array;
      const limit = Math.fround(threshold);
      const width = region.colMax - region.colMin + 1;
      let index = 0;
      for (let row = region.rowMin; row <= region.rowMax; row++) {
        const rowStart = row * this.imageWidthPx + region.colMin;
        for (let col = 0; col < width; col++, index++) {
          if (values[index] > limit) data[rowStart + col] = 1;
        }
      }
      // Values are kept for at most S x S pixels: the region is a small box to clear next time.
      if (record !== null) recordBox(record, region);
    }
    return mask;
  }

  /**
   * The probabilities inside `roi` as a window: directly over the state's array when the state keeps values and
   * `roi` lies inside the probability region, else computed or copied into a buffer from `scratch(length)`
   * (zero outside the region). Returns `null` when all probabilities are 0. For the predictor's input crop.
   * @internal
   */
  roiWindow(roi: Roi, scratch: (length: number) => Float32Array): FloatPlaneWindow | null {
    const region = this.probabilityRegion;
    if (region === null) return null;
    const roiWidth = roi.colMax - roi.colMin + 1;
    const roiHeight = roi.rowMax - roi.rowMin + 1;
    const regionWidth = region.colMax - region.colMin + 1;
    const inside =
      roi.rowMin >= region.rowMin &&
      roi.rowMax <= region.rowMax &&
      roi.colMin >= region.colMin &&
      roi.colMax <= region.colMax;
    if (inside && this.resizedRegionProbabilities === null) {
      return {
        data: this.#regionValues as Float32Array,
        offset: (roi.rowMin - region.rowMin) * regionWidth + (roi.colMin - region.colMin),
        rowStride: regionWidth,
        width: roiWidth,
        height: roiHeight,
      };
    }
    const buffer = scratch(roiWidth * roiHeight);
    if (buffer.length < roiWidth * roiHeight) {
      throw new InvalidArgumentError('scratch buffer is smaller than the ROI');
    }
    this.sampleRoi(roi, integerRange(roiHeight), integerRange(roiWidth), planeWindow(buffer, roiWidth, roiHeight));
    return { data: buffer, offset: 0, rowStride: roiWidth, width: roiWidth, height: roiHeight };
  }

  /**
   * The probabilities at rows `rowsPx` x columns `colsPx` of `roi` (indices inside the ROI, each list ascending),
   * zero outside the probability region: `out.data[out.offset + i * out.rowStride + j]` = probability at image row
   * `roi.rowMin + rowsPx[i]`, column `roi.colMin + colsPx[j]`. `out` must be `colsPx.length` x `rowsPx.length`.
   * Computes only those values, whatever the region's size: how the predictor crops and resizes the previous
   * probabilities to the network input.
   * @internal
   */
  sampleRoi(roi: Roi, rowsPx: Int32Array, colsPx: Int32Array, out: FloatPlaneWindow): void {
    if (out.width !== colsPx.length || out.height !== rowsPx.length) {
      throw new InvalidArgumentError(
        `out is ${out.width} x ${out.height}, expected ${colsPx.length} x ${rowsPx.length}`,
      );
    }
    const region = this.probabilityRegion;
    // Ascending lists: the indices inside the region form one run of each.
    const rows = region === null ? null : runInside(rowsPx, roi.rowMin - region.rowMin, region.rowMax - region.rowMin);
    const cols = region === null ? null : runInside(colsPx, roi.colMin - region.colMin, region.colMax - region.colMin);
    if (region === null || rows === null || cols === null) {
      fillWindow(out, 0, out.height, 0, out.width);
      return;
    }
    // Zeros around the part inside the region, which is computed below.
    const rowEnd = rows.first + rows.indices.length;
    const colEnd = cols.first + cols.indices.length;
    fillWindow(out, 0, rows.first, 0, out.width);
    fillWindow(out, rowEnd, out.height, 0, out.width);
    fillWindow(out, rows.first, rowEnd, 0, cols.first);
    fillWindow(out, rows.first, rowEnd, colEnd, out.width);
    const target: FloatPlaneWindow = {
      data: out.data,
      offset: out.offset + rows.first * out.rowStride + cols.first,
      rowStride: out.rowStride,
      width: cols.indices.length,
      height: rows.indices.length,
    };
    const resized = this.resizedRegionProbabilities;
    if (resized !== null) {
      resized.sampleGrid(rows.indices, cols.indices, target);
      return;
    }
    const values = this.#regionValues as Float32Array;
    const regionWidth = region.colMax - region.colMin + 1;
    for (let i = 0; i < rows.indices.length; i++) {
      const from = rows.indices[i] * regionWidth;
      const to = target.offset + i * target.rowStride;
      for (let j = 0; j < cols.indices.length; j++) target.data[to + j] = values[from + cols.indices[j]];
    }
  }
}

/** Sets rows `rowStart <= y < rowEnd`, columns `colStart <= x < colEnd` of a window to 0. */
function fillWindow(
  target: FloatPlaneWindow,
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
): void {
  if (colStart >= colEnd) return;
  for (let row = rowStart; row < rowEnd; row++) {
    const start = target.offset + row * target.rowStride;
    target.data.fill(0, start + colStart, start + colEnd);
  }
}

/** 0, 1, ..., count - 1. */
function integerRange(count: number): Int32Array {
  const range = new Int32Array(count);
  for (let i = 0; i < count; i++) range[i] = i;
  return range;
}

/**
 * The entries of ascending `indices` that land in 0..last once `shift` is added: where they start in `indices`,
 * and the shifted values; `null` when none does.
 */
function runInside(indices: Int32Array, shift: number, last: number): { first: number; indices: Int32Array } | null {
  let first = 0;
  while (first < indices.length && indices[first] + shift < 0) first++;
  let end = first;
  while (end < indices.length && indices[end] + shift <= last) end++;
  if (end === first) return null;
  const shifted = new Int32Array(end - first);
  for (let k = first; k < end; k++) shifted[k - first] = indices[k] + shift;
  return { first, indices: shifted };
}

function checkRoiInside(roi: Roi, widthPx: number, heightPx: number): void {
  const { rowMin, rowMax, colMin, colMax } = roi;
  const valid =
    [rowMin, rowMax, colMin, colMax].every(Number.isInteger) &&
    rowMin >= 0 &&
    colMin >= 0 &&
    rowMin <= rowMax &&
    colMin <= colMax &&
    rowMax < heightPx &&
    colMax < widthPx;
  if (!valid) {
    throw new InvalidArgumentError(
      `ROI rows ${rowMin}..${rowMax}, cols ${colMin}..${colMax} is not inside the ${widthPx} x ${heightPx} image`,
    );
  }
}

function checkImageSize(widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new InvalidArgumentError(`image size must be positive integers, got ${widthPx} x ${heightPx}`);
  }
}

function copyRegion(
  source: ArrayLike<number>,
  sourceWidth: number,
  region: Roi,
  convert: (value: number) => number,
): Float32Array {
  const width = region.colMax - region.colMin + 1;
  const out = new Float32Array(width * (region.rowMax - region.rowMin + 1));
  let index = 0;
  for (let row = region.rowMin; row <= region.rowMax; row++) {
    const rowStart = row * sourceWidth;
    for (let col = region.colMin; col <= region.colMax; col++) out[index++] = convert(source[rowStart + col]);
  }
  return out;
}
