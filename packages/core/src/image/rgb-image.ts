import { InvalidImageError } from '../errors';

/**
 * An 8-bit RGB image, independent of Node and the DOM.
 * Pixels are interleaved R, G, B, row-major: the value of channel `c` at row `y`, column `x`
 * is `data[(y * width + x) * 3 + c]`.
 */
export interface RgbImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Interleaved RGB bytes, length `width * height * 3`. */
  readonly data: Uint8Array;
}

/** Checks the buffer length and size, and returns the image. Throws {@link InvalidImageError}. */
export function createRgbImage(width: number, height: number, data: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidImageError(`image size must be positive integers, got ${width} x ${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new InvalidImageError(
      `RGB buffer has ${data.length} bytes, expected ${width * height * 3} for ${width} x ${height}`,
    );
  }
  return { width, height, data };
}
