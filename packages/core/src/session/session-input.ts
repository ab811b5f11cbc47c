import { InvalidArgumentError, InvalidImageError, InvalidMaskError } from '../errors';
import type { FloatMap } from '../image/float-map';
import { createRgbImage, type RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { ClickSegmenter } from '../predictor/click-segmenter';
import { resolveSessionOptions, type SegmentationSessionOptions } from './session-options';

/*
 * Checks of what callers hand a session: the arguments of `SegmentationSession.create`, imported masks.
 */

/** `options` without the keys whose value is `undefined` (so they do not override defaults when spread). */
function stripUndefined<T extends object>(options: T | undefined): Partial<T> {
  if (options === undefined || options === null) return {};
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function isClickSegmenter(value: unknown): value is ClickSegmenter<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { predict?: unknown }).predict === 'function';
}

/**
 * Checks the arguments of `SegmentationSession.create` and resolves its options: without `threshold`, the
 * predictor's own `options.maskThreshold` (ClickPredictor's) when it has one, so the default is set in one place.
 * Throws {@link InvalidArgumentError} for a bad predictor or option, {@link InvalidImageError} for a bad image.
 */
export function checkSessionArguments(
  predictor: unknown,
  image: RgbImage,
  options: Partial<SegmentationSessionOptions> | undefined,
): {
  readonly segmenter: ClickSegmenter<unknown>;
  readonly image: RgbImage;
  readonly options: SegmentationSessionOptions;
} {
  if (!isClickSegmenter(predictor)) {
    throw new InvalidArgumentError('predictor must have a predict(image, clicks, previousState) method');
  }
  if (typeof image !== 'object' || image === null) {
    throw new InvalidImageError(`image must be an RgbImage, got ${String(image)}`);
  }
  const checkedImage = createRgbImage(image.width, image.height, image.data);
  const predictorThreshold = (predictor as { options?: { maskThreshold?: unknown } }).options?.maskThreshold;
  const inherited = typeof predictorThreshold === 'number' ? { threshold: predictorThreshold } : {};
  const resolved = resolveSessionOptions({ ...inherited, ...stripUndefined(options) });
  return { segmenter: predictor, image: checkedImage, options: resolved };
}

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
