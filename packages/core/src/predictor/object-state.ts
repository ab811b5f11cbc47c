import { InvalidArgumentError, InvalidMaskError } from '../errors';
import type { FloatMap } from '../image/float-map';
import type { FloatPlaneWindow } from '../image/resize-bilinear';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from './roi';

/** The official mask threshold: a pixel is object when its probability is above float32(0.49). */
export const DEFAULT_MASK_THRESHOLD = 0.49;

/**
 * Everything the predictor remembers about one object between clicks (official: `prev_prediction` and the
 * zoom-in ROI): the previous probabilities and the ROI of the last prediction.
 *
 * The predictor pastes each result into a zero map, so the probabilities are 0 outside the ROI; a state keeps
 * only the region that can be non-zero (`probabilityRegion`), which makes a state of a small object on a
 * large image small. States are immutable (frozen, and their arrays are never written after creation):
 * keeping old states is all an undo/redo stack needs.
 */
export class ObjectState {
  /** Size of the image the state belongs to. */
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  /** Zoom-in ROI of the last prediction; `null` before the first prediction or after importing a mask. */
  readonly roi: Roi | null;
  /** Probabilities are 0 outside this box (inclusive); `null` when they are 0 everywhere. */
  readonly probabilityRegion: Roi | null;
  /** Row-major float32 probabilities inside `probabilityRegion`; `null` with it. Never modified. */
  readonly regionProbabilities: Float32Array | null;
  /** Memo of {@link foregroundBox} per threshold; not part of the state's value. */
  readonly #foregroundBoxes = new Map<number, Roi | null>();

  private constructor(
    imageWidthPx: number,
    imageHeightPx: number,
    roi: Roi | null,
    probabilityRegion: Roi | null,
    regionProbabilities: Float32Array | null,
  ) {
    this.imageWidthPx = imageWidthPx;
    this.imageHeightPx = imageHeightPx;
    this.roi = roi === null ? null : Object.freeze({ ...roi });
    this.probabilityRegion = probabilityRegion === null ? null : Object.freeze({ ...probabilityRegion });
    this.regionProbabilities = regionProbabilities;
    Object.freeze(this);
  }

  /** The state before the first click: all probabilities 0, no ROI. */
  static empty(imageWidthPx: number, imageHeightPx: number): ObjectState {
    checkImageSize(imageWidthPx, imageHeightPx);
    return new ObjectState(imageWidthPx, imageHeightPx, null, null, null);
  }

  /**
   * The state after a prediction: `roiProbabilities` (row-major, ROI-sized) pasted into zeros.
   * The array is kept, not copied: the caller must not write to it afterwards.
   */
  static fromPrediction(imageWidthPx: number, imageHeightPx: number, roi: Roi, roiProbabilities: Float32Array): ObjectState {
    checkImageSize(imageWidthPx, imageHeightPx);
    const expected = (roi.rowMax - roi.rowMin + 1) * (roi.colMax - roi.colMin + 1);
    if (roiProbabilities.length !== expected) {
      throw new InvalidArgumentError(`ROI probabilities have ${roiProbabilities.length} values, expected ${expected}`);
    }
    return new ObjectState(imageWidthPx, imageHeightPx, roi, roi, roiProbabilities);
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
    const region = boxAbove(map.data, map.width, map.height, 0);
    if (region === null) return ObjectState.empty(map.width, map.height);
    return new ObjectState(map.width, map.height, null, region, copyRegion(map.data, map.width, region, (v) => v));
  }

  /** {@link fromProbabilities} for a binary mask (probability 1 inside, 0 outside). */
  static fromMask(mask: BinaryMask): ObjectState {
    checkImageSize(mask.width, mask.height);
    if (mask.data.length !== mask.width * mask.height) {
      throw new InvalidMaskError(`mask has ${mask.data.length} values, expected ${mask.width * mask.height}`);
    }
    const region = boxAbove(mask.data, mask.width, mask.height, 0);
    if (region === null) return ObjectState.empty(mask.width, mask.height);
    return new ObjectState(mask.width, mask.height, null, region, copyRegion(mask.data, mask.width, region, (v) => (v !== 0 ? 1 : 0)));
  }

  /** True when every probability is 0. */
  get isEmpty(): boolean {
    return this.probabilityRegion === null;
  }

  /** The probability at column `xPx`, row `yPx` (integers inside the image). */
  probabilityAt(xPx: number, yPx: number): number {
    const region = this.probabilityRegion;
    if (region === null || this.regionProbabilities === null) return 0;
    if (yPx < region.rowMin || yPx > region.rowMax || xPx < region.colMin || xPx > region.colMax) return 0;
    const width = region.colMax - region.colMin + 1;
    return this.regionProbabilities[(yPx - region.rowMin) * width + (xPx - region.colMin)];
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
    const data = this.regionProbabilities;
    if (region !== null && data !== null) {
      const limit = Math.fround(threshold);
      const width = region.colMax - region.colMin + 1;
      const local = boxAbove(data, width, region.rowMax - region.rowMin + 1, limit);
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
    if (region !== null && this.regionProbabilities !== null) {
      const width = region.colMax - region.colMin + 1;
      for (let row = region.rowMin; row <= region.rowMax; row++) {
        const from = (row - region.rowMin) * width;
        data.set(this.regionProbabilities.subarray(from, from + width), row * this.imageWidthPx + region.colMin);
      }
    }
    return { width: this.imageWidthPx, height: this.imageHeightPx, data };
  }

  /**
   * The mask at full image size: 1 where the probability is above `threshold` (compared in float32, as the
   * official `probs > 0.49` on a float32 array). A new mask on each call; cheap to call again with another
   * threshold, nothing is rerun.
   */
  toMask(threshold: number = DEFAULT_MASK_THRESHOLD): BinaryMask {
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw new InvalidArgumentError(`threshold must be a number, got ${String(threshold)}`);
    }
    const data = new Uint8Array(this.imageWidthPx * this.imageHeightPx);
    const region = this.probabilityRegion;
    const values = this.regionProbabilities;
    if (region !== null && values !== null) {
      const limit = Math.fround(threshold);
      const width = region.colMax - region.colMin + 1;
      let index = 0;
      for (let row = region.rowMin; row <= region.rowMax; row++) {
        const rowStart = row * this.imageWidthPx + region.colMin;
        for (let col = 0; col < width; col++, index++) {
          if (values[index] > limit) data[rowStart + col] = 1;
        }
      }
    }
    return { width: this.imageWidthPx, height: this.imageHeightPx, data };
  }

  /**
   * The probabilities inside `roi` as a window: directly over the state's array when `roi` lies inside the
   * probability region, else copied into a buffer from `scratch(length)` (zero outside the region).
   * Returns `null` when all probabilities are 0. For the predictor.
   */
  roiWindow(roi: Roi, scratch: (length: number) => Float32Array): FloatPlaneWindow | null {
    const region = this.probabilityRegion;
    const values = this.regionProbabilities;
    if (region === null || values === null) return null;
    const roiWidth = roi.colMax - roi.colMin + 1;
    const roiHeight = roi.rowMax - roi.rowMin + 1;
    const regionWidth = region.colMax - region.colMin + 1;
    if (roi.rowMin >= region.rowMin && roi.rowMax <= region.rowMax && roi.colMin >= region.colMin && roi.colMax <= region.colMax) {
      return {
        data: values,
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
    buffer.fill(0, 0, roiWidth * roiHeight);
    const rowFirst = Math.max(roi.rowMin, region.rowMin);
    const rowLast = Math.min(roi.rowMax, region.rowMax);
    const colFirst = Math.max(roi.colMin, region.colMin);
    const colLast = Math.min(roi.colMax, region.colMax);
    if (rowFirst <= rowLast && colFirst <= colLast) {
      const count = colLast - colFirst + 1;
      for (let row = rowFirst; row <= rowLast; row++) {
        const from = (row - region.rowMin) * regionWidth + (colFirst - region.colMin);
        buffer.set(values.subarray(from, from + count), (row - roi.rowMin) * roiWidth + (colFirst - roi.colMin));
      }
    }
    return { data: buffer, offset: 0, rowStride: roiWidth, width: roiWidth, height: roiHeight };
  }
}

function checkImageSize(widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new InvalidArgumentError(`image size must be positive integers, got ${widthPx} x ${heightPx}`);
  }
}

/**
 * Inclusive bounding box of the pixels of a row-major `width` x `height` raster whose value is above `limit`,
 * or null if none. Values here are never negative, so `limit = 0` finds the non-zero pixels.
 */
function boxAbove(values: Float32Array | Uint8Array, width: number, height: number, limit: number): Roi | null {
  let rowMin = -1;
  let rowMax = -1;
  let colMin = width;
  let colMax = -1;
  for (let row = 0; row < height; row++) {
    const rowStart = row * width;
    let first = -1;
    for (let col = 0; col < width; col++) {
      if (values[rowStart + col] > limit) {
        first = col;
        break;
      }
    }
    if (first < 0) continue;
    // Only the part right of colMax can extend the box on this row.
    let last = first;
    for (let col = width - 1; col > Math.max(first, colMax); col--) {
      if (values[rowStart + col] > limit) {
        last = col;
        break;
      }
    }
    if (rowMin < 0) rowMin = row;
    rowMax = row;
    if (first < colMin) colMin = first;
    if (last > colMax) colMax = last;
  }
  return rowMin < 0 ? null : { rowMin, rowMax, colMin, colMax };
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
