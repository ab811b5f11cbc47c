import { InvalidImageError } from '../errors';
import type { RgbImage } from '../image/rgb-image';

/**
 * The shape of a DOM `ImageData` (and of anything like it: an OffscreenCanvas read-back, a decoded frame):
 * RGBA bytes, row-major, unpremultiplied. Structural, so no DOM library is needed to use it.
 */
export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/**
 * An {@link RgbImage} from RGBA pixels (e.g. `ctx.getImageData(...)`): the alpha channel is dropped, as a
 * browser canvas shows it would not be (SimpleClick was trained on opaque RGB). Copies the pixels.
 * Throws {@link InvalidImageError} for a wrong size or buffer length.
 */
export function rgbImageFromImageData(imageData: ImageDataLike): RgbImage {
  const { width, height, data } = imageData;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidImageError(`image size must be positive integers, got ${width} x ${height}`);
  }
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array) || data.length !== width * height * 4) {
    throw new InvalidImageError(`RGBA data must have ${width * height * 4} bytes for ${width} x ${height}`);
  }
  const pixelCount = width * height;
  const rgb = new Uint8Array(pixelCount * 3);
  for (let pixel = 0, from = 0, to = 0; pixel < pixelCount; pixel++, from += 4, to += 3) {
    rgb[to] = data[from];
    rgb[to + 1] = data[from + 1];
    rgb[to + 2] = data[from + 2];
  }
  return { width, height, data: rgb };
}
