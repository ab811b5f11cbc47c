import { boundingBoxAbove } from '../image/bounding-box-above';
import type { Roi } from '../image/roi';
import { assertBinaryMask } from './assert-mask';
import type { BinaryMask } from './binary-mask';

/** The tight inclusive bounding box of the foreground (non-zero) pixels, or `null` for an empty mask. */
export function maskBoundingBox(mask: BinaryMask): Roi | null {
  assertBinaryMask(mask);
  return boundingBoxAbove(mask.data, mask.width, mask.height, 0);
}

/** Number of foreground (non-zero) pixels. */
export function maskAreaPx(mask: BinaryMask): number {
  assertBinaryMask(mask);
  let area = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) area++;
  return area;
}
