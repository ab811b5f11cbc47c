import type { Roi } from './roi';

/**
 * Inclusive bounding box of the pixels of a row-major `width` x `height` raster whose value is above `limit`,
 * or null if none. With `limit = 0` it finds the non-zero pixels of a mask or of a probability map (whose values
 * are never negative). Scans each row from both ends, so a box costs about its rows, not the raster's area, on
 * sparse rows.
 */
export function boundingBoxAbove(values: ArrayLike<number>, width: number, height: number, limit: number): Roi | null {
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
