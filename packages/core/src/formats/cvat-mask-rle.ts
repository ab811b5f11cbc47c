import { InvalidArgumentError, InvalidFormatError } from '../errors';
import { assertBinaryMask } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from '../image/roi';
import { maskBoundingBox } from '../mask/mask-bounding-box';

/**
 * Encodes a mask as CVAT's mask shape `points`, as cvat-sdk's `encode_mask`: the mask is cropped to `box`,
 * the crop's pixels are read row by row as runs that alternate 0 and 1 starting with 0 (a leading 0 when the
 * first pixel is set), and the inclusive box `[left, top, right, bottom]` is appended.
 *
 * @param box inclusive crop box in image pixels; default the mask's tight bounding box.
 * @returns the points, or `null` for an empty mask without `box` (CVAT has no empty mask shape).
 */
export function encodeCvatMaskRle(mask: BinaryMask, box?: Roi): number[] | null {
  assertBinaryMask(mask);
  const crop = box ?? maskBoundingBox(mask);
  if (crop === null) return null;
  assertBoxInside(crop, mask.width, mask.height);
  const { colMin, rowMin, colMax, rowMax } = crop;
  const { width, data } = mask;
  const points: number[] = [];
  let value = 0;
  let run = 0;
  for (let y = rowMin; y <= rowMax; y++) {
    for (let i = y * width + colMin, end = y * width + colMax; i <= end; i++) {
      const pixel = data[i] !== 0 ? 1 : 0;
      if (pixel !== value) {
        points.push(run);
        run = 0;
        value = pixel;
      }
      run++;
    }
  }
  points.push(run, colMin, rowMin, colMax, rowMax);
  return points;
}

/**
 * Decodes CVAT mask `points` (runs then inclusive `[left, top, right, bottom]`) into a full-image mask of
 * `width` x `height`. Throws {@link InvalidFormatError} when the box is not inside the image or the runs do not
 * cover the box exactly.
 */
export function decodeCvatMaskRle(points: readonly number[], width: number, height: number): BinaryMask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidArgumentError(`image size must be positive integers, got ${width} x ${height}`);
  }
  // `satisfies unknown`: Array.isArray(x) itself would narrow a readonly T[] to any[] (its declared guard).
  if (!Array.isArray(points satisfies unknown) || points.length < 5) {
    throw new InvalidFormatError('CVAT mask points must be runs followed by [left, top, right, bottom]');
  }
  points.forEach((value, i) => {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidFormatError(`CVAT mask value ${i} must be a non-negative integer, got ${String(value)}`);
    }
  });
  const n = points.length;
  const box: Roi = { colMin: points[n - 4], rowMin: points[n - 3], colMax: points[n - 2], rowMax: points[n - 1] };
  try {
    assertBoxInside(box, width, height);
  } catch (error) {
    throw new InvalidFormatError((error as Error).message, { cause: error });
  }
  const boxWidth = box.colMax - box.colMin + 1;
  const boxArea = boxWidth * (box.rowMax - box.rowMin + 1);
  let total = 0;
  for (let i = 0; i < n - 4; i++) total += points[i];
  if (total !== boxArea) {
    throw new InvalidFormatError(`CVAT mask runs cover ${total} pixels, the ${boxWidth}-wide box holds ${boxArea}`);
  }
  const data = new Uint8Array(width * height);
  let position = 0;
  for (let i = 0; i < n - 4; i++) {
    const end = position + points[i];
    if ((i & 1) === 1) {
      for (let p = position; p < end; p++) {
        const row = Math.floor(p / boxWidth);
        data[(box.rowMin + row) * width + box.colMin + (p - row * boxWidth)] = 1;
      }
    }
    position = end;
  }
  return { width, height, data };
}

/** Throws {@link InvalidArgumentError} unless the inclusive box has integer bounds inside the image. */
export function assertBoxInside(box: Roi, width: number, height: number): void {
  const { colMin, rowMin, colMax, rowMax } = box;
  const ok =
    [colMin, rowMin, colMax, rowMax].every(Number.isInteger) &&
    colMin >= 0 &&
    rowMin >= 0 &&
    colMin <= colMax &&
    rowMin <= rowMax &&
    colMax < width &&
    rowMax < height;
  if (!ok) {
    throw new InvalidArgumentError(
      `box [${colMin}, ${rowMin}, ${colMax}, ${rowMax}] (inclusive) is not inside the ${width} x ${height} image`,
    );
  }
}
