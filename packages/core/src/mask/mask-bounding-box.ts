import { boundingBoxAbove } from '../image/bounding-box-above';
import { assertBinaryMask } from './assert-mask';
import type { BinaryMask } from './binary-mask';

/** A box in full-image pixels with inclusive bounds: columns `xMinPx..xMaxPx`, rows `yMinPx..yMaxPx`. */
export interface InclusiveBox {
  readonly xMinPx: number;
  readonly yMinPx: number;
  readonly xMaxPx: number;
  readonly yMaxPx: number;
}

/** The tight inclusive bounding box of the foreground (non-zero) pixels, or `null` for an empty mask. */
export function maskBoundingBox(mask: BinaryMask): InclusiveBox | null {
  assertBinaryMask(mask);
  const box = boundingBoxAbove(mask.data, mask.width, mask.height, 0);
  return box === null ? null : { xMinPx: box.colMin, yMinPx: box.rowMin, xMaxPx: box.colMax, yMaxPx: box.rowMax };
}

/** Number of foreground (non-zero) pixels. */
export function maskAreaPx(mask: BinaryMask): number {
  assertBinaryMask(mask);
  let area = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) area++;
  return area;
}
