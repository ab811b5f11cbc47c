/**
 * Ground-truth mask files, read the way the official loaders read them. The official code loads every mask with
 * `cv2.imread` (3-channel BGR), so "channel 0" there is the blue channel; this module decodes the file exactly like
 * an image ({@link decodeImageFile}, checked pixel for pixel against OpenCV) and applies the dataset's rule.
 */
import { InvalidArgumentError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import { decodeImageFile, type DecodeImageOptions } from './decode-image';

/**
 * How a dataset encodes an object in its mask image ("blue" is OpenCV's channel 0).
 * - `'grabcut'`: the official GrabCut/Berkeley loader: blue 128 = ignore, > 128 = object, and, literally, blue 1
 *   = object too (the loader maps > 128 to 1 and then selects the value 1; no shipped mask has a 1).
 * - `'blue-128'`: the official images-folder loader: blue 128 = ignore, > 128 = object, anything else background.
 * - `'any-nonzero'`: DAVIS and COCO_MVal: a pixel with any non-zero channel is object (object ids merge).
 */
export type MaskEncoding = 'grabcut' | 'blue-128' | 'any-nonzero';

/** An object's ground truth and, where the encoding has one, its ignore region. */
export interface GroundTruth {
  /** 1 = object. */
  readonly gt: BinaryMask;
  /** 1 = ignored pixel; absent when the mask has none. */
  readonly ignore?: BinaryMask;
}

/** Value of the GrabCut/Berkeley "uncertain" band, neither object nor background. */
const IGNORE_BAND_VALUE = 128;

/** Applies a {@link MaskEncoding} to a decoded mask image (RGB; blue is channel 2). */
export function groundTruthFromMaskImage(mask: RgbImage, encoding: MaskEncoding): GroundTruth {
  const { width, height, data } = mask;
  const gt = createBinaryMask(width, height);
  if (encoding === 'any-nonzero') {
    for (let i = 0; i < width * height; i++) {
      if (data[i * 3] !== 0 || data[i * 3 + 1] !== 0 || data[i * 3 + 2] !== 0) gt.data[i] = 1;
    }
    return { gt };
  }
  if (encoding !== 'blue-128' && encoding !== 'grabcut') {
    throw new InvalidArgumentError(`unknown mask encoding ${String(encoding)}`);
  }
  const oneIsObject = encoding === 'grabcut';
  const ignore = createBinaryMask(width, height);
  let ignoredCount = 0;
  for (let i = 0; i < width * height; i++) {
    const blue = data[i * 3 + 2];
    if (blue === IGNORE_BAND_VALUE) {
      ignore.data[i] = 1;
      ignoredCount++;
    } else if (blue > IGNORE_BAND_VALUE || (oneIsObject && blue === 1)) {
      gt.data[i] = 1;
    }
  }
  return ignoredCount > 0 ? { gt, ignore } : { gt };
}

/**
 * Reads a mask file and applies `encoding`.
 * @throws InvalidImageError / ImageTooLargeError as {@link decodeImageFile}.
 */
export async function readGroundTruthFile(
  path: string,
  encoding: MaskEncoding,
  options: Partial<DecodeImageOptions> = {},
): Promise<GroundTruth> {
  return groundTruthFromMaskImage(await decodeImageFile(path, options), encoding);
}

/** The blue channel of a decoded mask image: what the official code gets from `cv2.imread(path)[:, :, 0]`. */
export function blueChannel(mask: RgbImage): Uint8Array {
  const out = new Uint8Array(mask.width * mask.height);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i * 3 + 2];
  return out;
}
