/**
 * A binary mask, row-major, one byte per pixel: 1 = object, 0 = background.
 * The value at row `y`, column `x` is `data[y * width + x]`.
 */
export interface BinaryMask {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** 0 or 1 per pixel, length `width * height`. */
  readonly data: Uint8Array;
}

/** A zero-filled mask of the given size. */
export function createBinaryMask(width: number, height: number): BinaryMask {
  return { width, height, data: new Uint8Array(width * height) };
}
