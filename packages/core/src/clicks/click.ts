/**
 * One user click in full-image pixel coordinates: `xPx` is the column, `yPx` the row, with (0, 0) the
 * top-left pixel's index (the official code's convention: a click at (y, x) is the pixel mask[y][x]).
 * Coordinates may be fractional (a click converted from percent); they must lie in [0, width) x [0, height).
 */
export interface Click {
  /** Column, in image pixels. */
  readonly xPx: number;
  /** Row, in image pixels. */
  readonly yPx: number;
  /** true: inside the object (positive); false: outside it (negative). */
  readonly isPositive: boolean;
}
