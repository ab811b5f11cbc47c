import type { FloatMap } from '../image/float-map';
import { ResizedFloatMap } from '../image/resized-float-map';
import type { BinaryMask } from '../mask/binary-mask';
import { LazyBinaryMask } from '../mask/lazy-binary-mask';
import type { Roi } from '../image/roi';
import type { StateWithProbabilityRegion } from '../predictor/click-segmenter';

/**
 * Object probabilities stored as a box outside which they are 0: the non-zero bounding box, or the ROI of
 * the segmenter's own state. The predictor pastes its zoom-in result into a zero map, so this loses nothing
 * while keeping each undo step at ROI size instead of image size. Inside the box, either the values
 * ({@link DenseProbabilityCrop}) or the network-resolution map they are resized from
 * ({@link ResizedProbabilityCrop}, for ROIs larger than the network input), so no state costs more than
 * S x S values. Never written after creation.
 */
export type ProbabilityCrop = DenseProbabilityCrop | ResizedProbabilityCrop;

/** A {@link ProbabilityCrop} that holds its values. */
export interface DenseProbabilityCrop {
  /** The crop's place in the image, inclusive bounds; values outside it are 0. */
  readonly roi: Roi;
  /** Row-major values inside `roi`, length `(rowMax - rowMin + 1) * (colMax - colMin + 1)`. */
  readonly data: Float32Array;
  readonly resized?: undefined;
}

/** A {@link ProbabilityCrop} whose values are a bilinear resize, computed where they are read. */
export interface ResizedProbabilityCrop {
  /** The crop's place in the image, inclusive bounds; values outside it are 0. */
  readonly roi: Roi;
  /** The values inside `roi` (a map of the ROI's size). */
  readonly resized: ResizedFloatMap;
  readonly data?: undefined;
}

/** Width of a crop in pixels. */
function cropWidthPx(crop: ProbabilityCrop): number {
  return crop.roi.colMax - crop.roi.colMin + 1;
}

/** How many float32 values a crop holds (what it costs in memory, 4 bytes each). */
export function cropValueCount(crop: ProbabilityCrop | undefined): number {
  if (crop === undefined) return 0;
  return crop.resized !== undefined ? crop.resized.source.data.length : crop.data.length;
}

/**
 * Copies the bounding box of the non-zero values of `map` (always a dense crop); `undefined` when every value
 * is 0 (an empty object), so an empty state costs no memory.
 */
export function cropNonZero(map: FloatMap): DenseProbabilityCrop | undefined {
  const { width, height, data } = map;
  let rowMin = height;
  let rowMax = -1;
  let colMin = width;
  let colMax = -1;
  for (let y = 0; y < height; y++) {
    const rowStart = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (data[rowStart + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (rowMin === height) rowMin = y;
    rowMax = y;
    if (first < colMin) colMin = first;
    if (last > colMax) colMax = last;
  }
  if (rowMax < 0) return undefined;
  const cropWidth = colMax - colMin + 1;
  const cropData = new Float32Array((rowMax - rowMin + 1) * cropWidth);
  for (let y = rowMin; y <= rowMax; y++) {
    const from = y * width + colMin;
    cropData.set(data.subarray(from, from + cropWidth), (y - rowMin) * cropWidth);
  }
  return { roi: { rowMin, rowMax, colMin, colMax }, data: cropData };
}

/** The full-size probability map of a crop (zeros outside it); a new buffer each call. */
export function expandCrop(crop: ProbabilityCrop | undefined, width: number, height: number): FloatMap {
  const data = new Float32Array(width * height);
  if (crop?.resized !== undefined) {
    const { rowMin, colMin } = crop.roi;
    crop.resized.writeTo({
      data,
      offset: rowMin * width + colMin,
      rowStride: width,
      width: crop.resized.width,
      height: crop.resized.height,
    });
  } else if (crop !== undefined) {
    const cropWidth = cropWidthPx(crop);
    const { rowMin, rowMax, colMin } = crop.roi;
    for (let y = rowMin; y <= rowMax; y++) {
      const from = (y - rowMin) * cropWidth;
      data.set(crop.data.subarray(from, from + cropWidth), y * width + colMin);
    }
  }
  return { width, height, data };
}

/**
 * Calls `visit(startIndex, endIndex)` for every maximal run of full-image pixel indices
 * `startIndex <= i < endIndex` (within one row) whose probability is above `threshold`, rows in order. The
 * comparison is in float32, as the official code compares a float32 map with float32(0.49): the values are
 * float32 already, so only the threshold needs rounding. A resized crop is decided cell by cell, without
 * building its values.
 */
export function forEachRunAbove(
  crop: ProbabilityCrop | undefined,
  imageWidth: number,
  threshold: number,
  visit: (startIndex: number, endIndex: number) => void,
): void {
  if (crop === undefined) return;
  const { rowMin, rowMax, colMin } = crop.roi;
  if (crop.resized !== undefined) {
    crop.resized.forEachSpanAbove(threshold, (y, xStart, xEnd) => {
      const rowStart = (rowMin + y) * imageWidth + colMin;
      visit(rowStart + xStart, rowStart + xEnd);
    });
    return;
  }
  const threshold32 = Math.fround(threshold);
  const cropWidth = cropWidthPx(crop);
  const values = crop.data;
  for (let y = rowMin; y <= rowMax; y++) {
    const cropRow = (y - rowMin) * cropWidth;
    const imageRow = y * imageWidth + colMin;
    let runStart = -1;
    for (let x = 0; x < cropWidth; x++) {
      if (values[cropRow + x] > threshold32) {
        if (runStart < 0) runStart = x;
      } else if (runStart >= 0) {
        visit(imageRow + runStart, imageRow + x);
        runStart = -1;
      }
    }
    if (runStart >= 0) visit(imageRow + runStart, imageRow + cropWidth);
  }
}

/** The binary mask `probability > threshold` (float32 comparison) at full image size. */
export function thresholdCrop(
  crop: ProbabilityCrop | undefined,
  width: number,
  height: number,
  threshold: number,
): BinaryMask {
  const data = new Uint8Array(width * height);
  forEachRunAbove(crop, width, threshold, (start, end) => data.fill(1, start, end));
  return { width, height, data };
}

/**
 * {@link thresholdCrop}, built on the first read of `data` (a crop is never written after creation, so a later
 * build gives the same mask): a session state's mask costs no full-size buffer until someone reads it.
 */
export function lazyThresholdCrop(
  crop: ProbabilityCrop | undefined,
  width: number,
  height: number,
  threshold: number,
): BinaryMask {
  return new LazyBinaryMask(width, height, () => thresholdCrop(crop, width, height, threshold).data);
}

/**
 * The probabilities a segmenter state exposes through {@link StateWithProbabilityRegion}, shared (not
 * copied): `{ crop }` (crop `undefined` when all zero), or `undefined` when the state does not follow the
 * protocol for an image of this size (then the caller copies from the full-size map instead). A state that
 * keeps its region as a resized map (`resizedRegionProbabilities`) is shared as such: its region's values
 * are not built.
 */
export function cropSharedFromState(
  state: unknown,
  width: number,
  height: number,
): { crop: ProbabilityCrop | undefined } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const candidate = state as Partial<StateWithProbabilityRegion>;
  if (candidate.imageWidthPx !== width || candidate.imageHeightPx !== height) return undefined;
  const region = candidate.probabilityRegion;
  if (region !== null && typeof region === 'object' && region !== undefined) {
    // Read before `regionProbabilities`, which such a state builds on first read.
    const resized = candidate.resizedRegionProbabilities;
    if (resized instanceof ResizedFloatMap && isInside(region, width, height)) {
      const { rowMin, rowMax, colMin, colMax } = region;
      if (resized.width === colMax - colMin + 1 && resized.height === rowMax - rowMin + 1) {
        return { crop: { roi: { rowMin, rowMax, colMin, colMax }, resized } };
      }
    }
  }
  const values = candidate.regionProbabilities;
  if (region === null && values === null) return { crop: undefined };
  if (typeof region !== 'object' || region === null || !(values instanceof Float32Array)) return undefined;
  const { rowMin, rowMax, colMin, colMax } = region;
  if (!isInside(region, width, height) || values.length !== (rowMax - rowMin + 1) * (colMax - colMin + 1))
    return undefined;
  return { crop: { roi: { rowMin, rowMax, colMin, colMax }, data: values } };
}

function isInside(region: Roi, width: number, height: number): boolean {
  const { rowMin, rowMax, colMin, colMax } = region;
  return (
    [rowMin, rowMax, colMin, colMax].every(Number.isInteger) &&
    rowMin >= 0 &&
    rowMin <= rowMax &&
    rowMax < height &&
    colMin >= 0 &&
    colMin <= colMax &&
    colMax < width
  );
}
