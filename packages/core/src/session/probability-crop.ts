import type { FloatMap } from '../image/float-map';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from '../predictor/roi';
import type { StateWithProbabilityRegion } from './click-segmenter';

/**
 * Object probabilities stored as a box outside which they are 0: the non-zero bounding box, or the ROI of
 * the segmenter's own state. The predictor pastes its zoom-in result into a zero map, so this loses nothing
 * while keeping each undo step at ROI size instead of image size. Never written after creation.
 */
export interface ProbabilityCrop {
  /** The crop's place in the image, inclusive bounds; values outside it are 0. */
  readonly roi: Roi;
  /** Row-major values inside `roi`, length `(rowMax - rowMin + 1) * (colMax - colMin + 1)`. */
  readonly data: Float32Array;
}

/** Width of a crop in pixels. */
export function cropWidthPx(crop: ProbabilityCrop): number {
  return crop.roi.colMax - crop.roi.colMin + 1;
}

/**
 * Copies the bounding box of the non-zero values of `map`; `undefined` when every value is 0 (an empty
 * object), so an empty state costs no memory.
 */
export function cropNonZero(map: FloatMap): ProbabilityCrop | undefined {
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
  if (crop !== undefined) {
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
 * Calls `visit(index)` for every full-image pixel index whose probability is above `threshold`.
 * The comparison is in float32, as the official code compares a float32 map with float32(0.49):
 * the stored values are float32 already, so only the threshold needs rounding.
 */
export function forEachPixelAbove(
  crop: ProbabilityCrop | undefined,
  imageWidth: number,
  threshold: number,
  visit: (pixelIndex: number) => void,
): void {
  if (crop === undefined) return;
  const threshold32 = Math.fround(threshold);
  const cropWidth = cropWidthPx(crop);
  const { rowMin, rowMax, colMin } = crop.roi;
  for (let y = rowMin; y <= rowMax; y++) {
    const cropRow = (y - rowMin) * cropWidth;
    const imageRow = y * imageWidth + colMin;
    for (let x = 0; x < cropWidth; x++) {
      if (crop.data[cropRow + x] > threshold32) visit(imageRow + x);
    }
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
  forEachPixelAbove(crop, width, threshold, (index) => {
    data[index] = 1;
  });
  return { width, height, data };
}

/**
 * The probabilities a segmenter state exposes through {@link StateWithProbabilityRegion}, shared (not
 * copied): `{ crop }` (crop `undefined` when all zero), or `undefined` when the state does not follow the
 * protocol for an image of this size (then the caller copies from the full-size map instead).
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
  const values = candidate.regionProbabilities;
  if (region === null && values === null) return { crop: undefined };
  if (typeof region !== 'object' || region === null || !(values instanceof Float32Array)) return undefined;
  const { rowMin, rowMax, colMin, colMax } = region;
  const inside =
    [rowMin, rowMax, colMin, colMax].every(Number.isInteger) &&
    rowMin >= 0 &&
    rowMin <= rowMax &&
    rowMax < height &&
    colMin >= 0 &&
    colMin <= colMax &&
    colMax < width;
  if (!inside || values.length !== (rowMax - rowMin + 1) * (colMax - colMin + 1)) return undefined;
  return { crop: { roi: { rowMin, rowMax, colMin, colMax }, data: values } };
}
