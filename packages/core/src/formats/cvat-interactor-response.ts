import { assertBinaryMask } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';
import { assertBoxInside } from './cvat-mask-rle';
import type { Roi } from '../image/roi';
import { maskBoundingBox } from '../mask/mask-bounding-box';

/**
 * The body a CVAT interactor (nuclio function) answers with: `mask` holds the rows of the crop, 0 or 255 per
 * pixel, and `bounds` is the crop's inclusive `[x1, y1, x2, y2]` in image pixels. A cropped mask keeps the JSON
 * small; a full 1920x1080 frame would be millions of numbers.
 */
export interface CvatInteractorResponse {
  mask: number[][];
  bounds: [x1: number, y1: number, x2: number, y2: number];
}

/**
 * Builds the {@link CvatInteractorResponse} for a mask, cropped to `box` (default: the mask's tight bounding
 * box). Returns `null` for an empty mask without `box`: the caller decides what an empty answer looks like.
 */
export function toCvatInteractorResponse(mask: BinaryMask, box?: Roi): CvatInteractorResponse | null {
  assertBinaryMask(mask);
  const crop = box ?? maskBoundingBox(mask);
  if (crop === null) return null;
  assertBoxInside(crop, mask.width, mask.height);
  const { colMin, rowMin, colMax, rowMax } = crop;
  const rows: number[][] = [];
  const row = new Uint8Array(colMax - colMin + 1);
  for (let y = rowMin; y <= rowMax; y++) {
    for (let x = 0, i = y * mask.width + colMin; x < row.length; x++, i++) row[x] = mask.data[i] !== 0 ? 255 : 0;
    rows.push(Array.from(row));
  }
  return { mask: rows, bounds: [colMin, rowMin, colMax, rowMax] };
}
