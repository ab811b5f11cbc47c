import { InvalidArgumentError } from '../errors';
import type { Roi } from './roi';
import type { FloatMap } from './float-map';
import type { RgbImage } from './rgb-image';

/** Throws {@link InvalidArgumentError} unless `roi` is a non-empty integer box inside a `width` x `height` raster. */
function assertRoiInside(roi: Roi, width: number, height: number): void {
  const { rowMin, rowMax, colMin, colMax } = roi;
  const integers = [rowMin, rowMax, colMin, colMax].every(Number.isInteger);
  if (
    !integers ||
    rowMin < 0 ||
    colMin < 0 ||
    rowMax >= height ||
    colMax >= width ||
    rowMin > rowMax ||
    colMin > colMax
  ) {
    throw new InvalidArgumentError(
      `ROI rows ${rowMin}..${rowMax}, cols ${colMin}..${colMax} is not a box inside ${width} x ${height}`,
    );
  }
}

/** Width of an ROI in pixels (bounds are inclusive). */
function roiWidthPx(roi: Roi): number {
  return roi.colMax - roi.colMin + 1;
}

/** Height of an ROI in pixels (bounds are inclusive). */
function roiHeightPx(roi: Roi): number {
  return roi.rowMax - roi.rowMin + 1;
}

/** Copies the pixels of `roi` (inclusive bounds) into a new image. */
export function cropRgbImage(image: RgbImage, roi: Roi): RgbImage {
  assertRoiInside(roi, image.width, image.height);
  const width = roiWidthPx(roi);
  const height = roiHeightPx(roi);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((roi.rowMin + y) * image.width + roi.colMin) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** Copies the values of `roi` (inclusive bounds) into a new map. */
export function cropFloatMap(map: FloatMap, roi: Roi): FloatMap {
  assertRoiInside(roi, map.width, map.height);
  const width = roiWidthPx(roi);
  const height = roiHeightPx(roi);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (roi.rowMin + y) * map.width + roi.colMin;
    data.set(map.data.subarray(from, from + width), y * width);
  }
  return { width, height, data };
}
