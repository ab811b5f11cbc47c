import { InvalidArgumentError, InvalidFormatError } from '../errors';
import { assertBinaryMask } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';
import type { InclusiveBox } from '../mask/mask-bounding-box';
import { maskBoundingBox } from '../mask/mask-bounding-box';

/**
 * Encodes a mask as CVAT's mask shape `points`, as cvat-sdk's `encode_mask`: the mask is cropped to `box`,
 * the crop's pixels are read row by row as runs that alternate 0 and 1 starting with 0 (a leading 0 when the
 * first pixel is set), and the inclusive box `[left, top, right, bottom]` is appended.
 *
 * @param box inclusive crop box in image pixels; default the mask's tight bounding box.
 * @returns the points, or `null` for an empty mask without `box` (CVAT has no empty mask shape).
 */
export function encodeCvatMaskRle(mask: BinaryMask, box?: InclusiveBox): number[] | null {
  assertBinaryMask(mask);
  const crop = box ?? maskBoundingBox(mask);
  if (crop === null) return null;
  assertBoxInside(crop, mask.width, mask.height);
  const { xMinPx, yMinPx, xMaxPx, yMaxPx } = crop;
  const { width, data } = mask;
  const points: number[] = [];
  let value = 0;
  let run = 0;
  for (let y = yMinPx; y <= yMaxPx; y++) {
    for (let i = y * width + xMinPx, end = y * width + xMaxPx; i <= end; i++) {
      const pixel = data[i] !== 0 ? 1 : 0;
      if (pixel !== value) {
        points.push(run);
        run = 0;
        value = pixel;
      }
      run++;
    }
  }
  points.push(run, xMinPx, yMinPx, xMaxPx, yMaxPx);
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
  if (!Array.isArray(points) || points.length < 5) {
    throw new InvalidFormatError('CVAT mask points must be runs followed by [left, top, right, bottom]');
  }
  points.forEach((value, i) => {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidFormatError(`CVAT mask value ${i} must be a non-negative integer, got ${String(value)}`);
    }
  });
  const n = points.length;
  const box: InclusiveBox = { xMinPx: points[n - 4], yMinPx: points[n - 3], xMaxPx: points[n - 2], yMaxPx: points[n - 1] };
  try {
    assertBoxInside(box, width, height);
  } catch (error) {
    throw new InvalidFormatError((error as Error).message, { cause: error });
  }
  const boxWidth = box.xMaxPx - box.xMinPx + 1;
  const boxArea = boxWidth * (box.yMaxPx - box.yMinPx + 1);
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
        data[(box.yMinPx + row) * width + box.xMinPx + (p - row * boxWidth)] = 1;
      }
    }
    position = end;
  }
  return { width, height, data };
}

/** Throws {@link InvalidArgumentError} unless the inclusive box has integer bounds inside the image. */
export function assertBoxInside(box: InclusiveBox, width: number, height: number): void {
  const { xMinPx, yMinPx, xMaxPx, yMaxPx } = box;
  const ok =
    [xMinPx, yMinPx, xMaxPx, yMaxPx].every(Number.isInteger) &&
    xMinPx >= 0 &&
    yMinPx >= 0 &&
    xMinPx <= xMaxPx &&
    yMinPx <= yMaxPx &&
    xMaxPx < width &&
    yMaxPx < height;
  if (!ok) {
    throw new InvalidArgumentError(
      `box [${xMinPx}, ${yMinPx}, ${xMaxPx}, ${yMaxPx}] (inclusive) is not inside the ${width} x ${height} image`,
    );
  }
}
