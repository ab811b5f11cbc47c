import { convertIndexedToRgb, decode as decodePng, encode as encodePng } from 'fast-png';
import { InvalidArgumentError, InvalidFormatError } from '../errors';
import type { FloatMap } from '../image/float-map';
import { assertBinaryMask, assertFloatMap } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';

/*
 * PNG through fast-png (image-js project): pure TypeScript with fflate for zlib, so it runs unchanged in Node and
 * browsers (pngjs needs Node streams and zlib; UPNG.js has not been released since 2020). It writes 1-bit and
 * 8-bit grayscale, which is all masks and probability maps need, and decodes every PNG colour type.
 */

/** Options of {@link encodeMaskPng}. */
export interface MaskPngOptions {
  /**
   * `8` (default): 8-bit grayscale with 0 and 255, what most tools expect of a mask file (PIL mode 'L').
   * `1`: 1-bit grayscale (black/white), about half the size and several times faster to write.
   */
  readonly bitDepth: 1 | 8;
  /** zlib level 0..9 (default 3; masks compress well at low levels, and higher ones cost time for little). */
  readonly compressionLevel: number;
}

/** Defaults of {@link MaskPngOptions}. */
export const DEFAULT_MASK_PNG_OPTIONS: Readonly<MaskPngOptions> = Object.freeze({ bitDepth: 8, compressionLevel: 3 });

type CompressionLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

function assertCompressionLevel(level: number): asserts level is CompressionLevel {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`compressionLevel must be an integer in 0..9, got ${String(level)}`);
  }
}

/** Encodes a mask as a grayscale PNG: foreground white (255, or 1 at bit depth 1), background black. */
export function encodeMaskPng(mask: BinaryMask, options: Partial<MaskPngOptions> = {}): Uint8Array {
  assertBinaryMask(mask);
  const { bitDepth, compressionLevel } = { ...DEFAULT_MASK_PNG_OPTIONS, ...options };
  assertCompressionLevel(compressionLevel);
  if (bitDepth !== 1 && bitDepth !== 8)
    throw new InvalidArgumentError(`bitDepth must be 1 or 8, got ${String(bitDepth)}`);
  const { width, height, data } = mask;
  let pixels: Uint8Array;
  if (bitDepth === 8) {
    pixels = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) pixels[i] = data[i] !== 0 ? 255 : 0;
  } else {
    // PNG packs sub-byte samples MSB-first, each row starting on a new byte.
    const rowBytes = Math.ceil(width / 8);
    pixels = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0, i = y * width; x < width; x++, i++) {
        if (data[i] !== 0) pixels[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
      }
    }
  }
  return encodePng(
    { width, height, data: pixels, channels: 1, depth: bitDepth },
    { zlib: { level: compressionLevel } },
  );
}

/**
 * Encodes a probability map as an 8-bit grayscale PNG: `round(p * 255)` with `p` clamped to [0, 1] (NaN as 0).
 * Meant for looking at predictions; 8 bits lose precision, so keep the float map for computation.
 */
export function encodeProbabilityPng(
  probabilities: FloatMap,
  options: Partial<Pick<MaskPngOptions, 'compressionLevel'>> = {},
): Uint8Array {
  assertFloatMap(probabilities);
  const compressionLevel = options.compressionLevel ?? DEFAULT_MASK_PNG_OPTIONS.compressionLevel;
  assertCompressionLevel(compressionLevel);
  const { width, height, data } = probabilities;
  const pixels = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const p = data[i];
    pixels[i] = p > 0 ? (p < 1 ? Math.round(p * 255) : 255) : 0;
  }
  return encodePng({ width, height, data: pixels, channels: 1, depth: 8 }, { zlib: { level: compressionLevel } });
}

/**
 * Decodes a PNG mask (an imported or edited mask). Foreground is where the alpha channel (when the PNG has
 * one) or else the first channel (gray, or red) is above half its range; palette images are looked up first.
 * Throws {@link InvalidFormatError} when the bytes are not a readable PNG.
 */
export function decodeMaskPng(bytes: Uint8Array): BinaryMask {
  if (!(bytes instanceof Uint8Array)) throw new InvalidFormatError('PNG bytes must be a Uint8Array');
  let decoded: ReturnType<typeof decodePng>;
  let samples: ArrayLike<number>;
  let channels: number;
  let depth: number;
  try {
    decoded = decodePng(bytes);
    if (decoded.palette) {
      samples = convertIndexedToRgb(decoded);
      channels = decoded.palette[0].length;
      depth = 8;
    } else {
      samples = decoded.data;
      channels = decoded.channels;
      depth = decoded.depth;
    }
  } catch (error) {
    throw new InvalidFormatError(`not a readable PNG: ${(error as Error).message}`, { cause: error });
  }
  const { width, height } = decoded;
  const channel = channels === 2 || channels === 4 ? channels - 1 : 0;
  const half = (2 ** depth - 1) / 2;
  const data = new Uint8Array(width * height);
  if (depth >= 8) {
    for (let i = 0; i < data.length; i++) data[i] = samples[i * channels + channel] > half ? 1 : 0;
  } else {
    // Sub-byte samples are packed MSB-first with each row starting on a new byte.
    const rowBytes = Math.ceil((width * channels * depth) / 8);
    const maxSample = 2 ** depth - 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (x * channels + channel) * depth;
        const sample = (samples[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & maxSample;
        data[y * width + x] = sample > half ? 1 : 0;
      }
    }
  }
  return { width, height, data };
}
