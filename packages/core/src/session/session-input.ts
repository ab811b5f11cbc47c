import { InvalidMaskError } from '../errors';
import type { FloatMap } from '../image/float-map';
import type { BinaryMask } from '../mask/binary-mask';

/**
 * Turns an imported mask into previous probabilities for the model: a {@link BinaryMask} becomes 1.0 where a
 * byte is 1 or 255 and 0.0 where it is 0, a {@link FloatMap} (soft probabilities in [0, 1]) is copied. Checks
 * its size against the image. Any other byte value (2..254) is refused: it is not a binary mask but, most
 * likely, a label map of several objects or a grey image, and taking it as one object would be silently wrong.
 * Throws {@link InvalidMaskError}.
 */
export function probabilitiesFromMask(mask: BinaryMask | FloatMap, width: number, height: number): FloatMap {
  if (typeof mask !== 'object' || mask === null) {
    throw new InvalidMaskError(`a mask must be a BinaryMask or FloatMap, got ${String(mask)}`);
  }
  if (mask.width !== width || mask.height !== height) {
    throw new InvalidMaskError(
      `mask is ${String(mask.width)} x ${String(mask.height)}, the image is ${width} x ${height}`,
    );
  }
  const { data } = mask;
  if (!(data instanceof Uint8Array) && !(data instanceof Float32Array)) {
    throw new InvalidMaskError('mask data must be a Uint8Array (BinaryMask, 0/1) or Float32Array (probabilities)');
  }
  if (data.length !== width * height) {
    throw new InvalidMaskError(
      `mask data has ${data.length} values, expected ${width * height} for ${width} x ${height}`,
    );
  }
  const probabilities = new Float32Array(width * height);
  if (data instanceof Uint8Array) {
    // 0/1 (BinaryMask) and 0/255 (mask PNGs) are both common; anything else is refused (see above).
    for (let i = 0; i < data.length; i++) {
      const value = data[i];
      if (value !== 0 && value !== 1 && value !== 255) {
        throw new InvalidMaskError(
          `a BinaryMask holds 0 and 1 (or 0 and 255), found ${value} at index ${i}; for one object of a label map pass data.map((v) => (v === id ? 1 : 0))`,
        );
      }
      probabilities[i] = value !== 0 ? 1 : 0;
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const value = data[i];
      // Written so NaN fails too.
      if (!(value >= 0 && value <= 1)) {
        throw new InvalidMaskError(`probability values must lie in [0, 1], found ${value} at index ${i}`);
      }
      probabilities[i] = value;
    }
  }
  return { width, height, data: probabilities };
}
