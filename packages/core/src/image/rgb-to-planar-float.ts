import { BYTE_TO_UNIT_FLOAT } from './byte-to-unit-float';
import type { RgbImage } from './rgb-image';

/**
 * Converts an 8-bit RGB image to float32 planes in [0, 1] (channel-major R, G, B planes, each row-major),
 * exactly as torchvision's `ToTensor` does (float32 `value / 255`).
 *
 * The predictor does not call this on the whole image: it converts only the pixels its resize reads
 * (see {@link resizeRgbRegionToPlanar}). It is here for callers that need the full tensor.
 */
export function rgbImageToPlanarFloat(image: RgbImage): Float32Array {
  const pixelCount = image.width * image.height;
  const planes = new Float32Array(pixelCount * 3);
  const source = image.data;
  for (let pixel = 0; pixel < pixelCount; pixel++) {
    const sourceIndex = pixel * 3;
    planes[pixel] = BYTE_TO_UNIT_FLOAT[source[sourceIndex]];
    planes[pixelCount + pixel] = BYTE_TO_UNIT_FLOAT[source[sourceIndex + 1]];
    planes[2 * pixelCount + pixel] = BYTE_TO_UNIT_FLOAT[source[sourceIndex + 2]];
  }
  return planes;
}
