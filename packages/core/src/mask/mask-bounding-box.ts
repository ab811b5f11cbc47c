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
  const { width, height, data } = mask;
  let xMinPx = width;
  let xMaxPx = -1;
  let yMinPx = -1;
  let yMaxPx = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x] !== 0) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) {
      if (data[row + x] !== 0) {
        last = x;
        break;
      }
    }
    if (yMinPx < 0) yMinPx = y;
    yMaxPx = y;
    if (first < xMinPx) xMinPx = first;
    if (last > xMaxPx) xMaxPx = last;
  }
  return yMinPx < 0 ? null : { xMinPx, yMinPx, xMaxPx, yMaxPx };
}

/** Number of foreground (non-zero) pixels. */
export function maskAreaPx(mask: BinaryMask): number {
  assertBinaryMask(mask);
  let area = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) area++;
  return area;
}
