/**
 * Image decoding in Node: JPEG, PNG, TIFF and WebP through sharp (libvips), BMP through the built-in reader
 * ({@link decodeBmp}). The result is what the official evaluation gets from `cv2.imread` + BGR-to-RGB: 8-bit RGB,
 * EXIF orientation applied, grayscale replicated to three channels, alpha dropped (not composited), the embedded
 * ICC profile not applied (pixel values as stored). Checked against OpenCV 4.6 pixel for pixel on the GrabCut,
 * Berkeley and ssTEM files (see decode-image.test.ts).
 */
import type { Metadata } from 'sharp';
import { ImageTooLargeError, InvalidArgumentError, InvalidImageError } from '../errors';
import { createRgbImage, type RgbImage } from '../image/rgb-image';
import { decodeBmp, isBmp, readBmpHeader } from './decode-bmp';
import { readRegularFile, RegularFileReadError } from './files/read-regular-file';

/** Options of {@link decodeImageBytes} and {@link decodeImageFile}. */
export interface DecodeImageOptions {
  /**
   * Largest accepted `width * height`. Checked from the file header before any pixel is decoded, so a small
   * file that declares a huge image (a decompression bomb) is refused cheaply. Default 100 megapixels
   * (a 10000 x 10000 image, 300 MB as RGB); pass `Infinity` to lift it.
   */
  readonly maxPixels: number;
  /**
   * Convert pixels through the embedded ICC profile to sRGB. Default false: values as stored, which is what
   * OpenCV and therefore the official evaluation and the released models saw.
   */
  readonly applyIccProfile: boolean;
  /**
   * Largest accepted file size in bytes for {@link decodeImageFile}: the file is never read past it. Default
   * 1 GiB; pass `Infinity` to lift it.
   */
  readonly maxFileBytes: number;
}

/** Defaults of {@link DecodeImageOptions}. */
export const DEFAULT_DECODE_IMAGE_OPTIONS: DecodeImageOptions = Object.freeze({
  maxPixels: 100_000_000,
  applyIccProfile: false,
  maxFileBytes: 1024 ** 3,
});

/** Container formats {@link decodeImageBytes} reads. */
export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'bmp';

/** The format from the first bytes (magic numbers), or undefined when it is none of {@link ImageFormat}. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const startsWith = (offset: number, ...values: number[]) =>
    bytes.length >= offset + values.length && values.every((value, i) => bytes[offset + i] === value);
  if (startsWith(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (startsWith(0, 0x49, 0x49, 0x2a, 0x00) || startsWith(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (startsWith(0, 0x52, 0x49, 0x46, 0x46) && startsWith(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (isBmp(bytes)) return 'bmp';
  return undefined;
}

/** Size and format of an encoded image, read from its header only. Width and height are after EXIF orientation. */
export interface ImageInfo {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/**
 * Reads format and size from the header without decoding pixels.
 * @throws InvalidImageError for unknown or corrupt bytes.
 */
export async function readImageInfo(bytes: Uint8Array): Promise<ImageInfo> {
  const format = detectImageFormat(bytes);
  if (format === undefined) {
    throw new InvalidImageError('unknown image format (expected JPEG, PNG, TIFF, WebP or BMP)');
  }
  if (format === 'bmp') {
    const header = readBmpHeader(bytes);
    return { format, width: header.width, height: header.height };
  }
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new InvalidImageError(`cannot read the ${format} header: ${messageOf(cause)}`, { cause });
  }
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!(width > 0 && height > 0)) throw new InvalidImageError(`${format} header has no valid size`);
  return { format, width, height };
}

/**
 * Decodes JPEG, PNG, TIFF (first page), WebP or BMP bytes to RGB (see the module notes for the exact rules).
 * @throws InvalidImageError for unknown, corrupt or truncated bytes; ImageTooLargeError over `maxPixels`;
 *   InvalidArgumentError for a bad `maxPixels` or when sharp (an optional peer dependency) is not installed.
 */
export async function decodeImageBytes(
  bytes: Uint8Array,
  options: Partial<DecodeImageOptions> = {},
): Promise<RgbImage> {
  const { maxPixels, applyIccProfile } = { ...DEFAULT_DECODE_IMAGE_OPTIONS, ...options };
  if (!(maxPixels > 0)) throw new InvalidArgumentError(`maxPixels must be > 0, got ${maxPixels}`);
  const info = await readImageInfo(bytes);
  if (info.width * info.height > maxPixels) {
    throw new ImageTooLargeError(
      `${info.format} image is ${info.width} x ${info.height} = ${info.width * info.height} pixels, limit is ${maxPixels}`,
    );
  }
  if (info.format === 'bmp') return decodeBmp(bytes, maxPixels);

  const sharp = await loadSharp();
  try {
    const { data, info: output } = await sharp(bytes, {
      autoOrient: true,
      ignoreIcc: !applyIccProfile,
      limitInputPixels: Number.isFinite(maxPixels) ? Math.floor(maxPixels) : false,
      // 'error' rejects truncated and broken data but lets libjpeg warnings through (e.g. "extraneous bytes
      // before marker", common in camera files), which OpenCV decodes too.
      failOn: 'error',
    })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return toRgb(pixels, output.width, output.height, output.channels);
  } catch (cause) {
    if (cause instanceof InvalidImageError) throw cause;
    throw new InvalidImageError(`cannot decode the ${info.format} image: ${messageOf(cause)}`, { cause });
  }
}

/**
 * Reads and decodes an image file; see {@link decodeImageBytes}. Only a regular file is opened and read (checked
 * on the open file, so a named pipe or a device such as /dev/zero is refused at once instead of blocking or
 * filling memory), and never more than `maxFileBytes` of it.
 * @throws InvalidImageError also when the file cannot be read or is not a regular file (the message names the
 *   path); ImageTooLargeError over `maxFileBytes`.
 */
export async function decodeImageFile(path: string, options: Partial<DecodeImageOptions> = {}): Promise<RgbImage> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_DECODE_IMAGE_OPTIONS.maxFileBytes;
  if (!(maxFileBytes > 0)) throw new InvalidArgumentError(`maxFileBytes must be > 0, got ${maxFileBytes}`);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, maxFileBytes);
  } catch (cause) {
    if (cause instanceof RegularFileReadError && cause.problem === 'too-large') {
      throw new ImageTooLargeError(`image file ${path}: ${cause.message}`, { cause });
    }
    throw new InvalidImageError(`cannot read image file ${path}: ${messageOf(cause)}`, { cause });
  }
  try {
    return await decodeImageBytes(bytes, options);
  } catch (error) {
    if (error instanceof InvalidImageError || error instanceof ImageTooLargeError) {
      error.message = `${path}: ${error.message}`;
    }
    throw error;
  }
}

/** Interleaved 1-, 3- or 4-channel 8-bit pixels to RGB (gray replicated; a fourth channel dropped). */
function toRgb(pixels: Uint8Array, width: number, height: number, channels: number): RgbImage {
  if (channels === 3) return createRgbImage(width, height, new Uint8Array(pixels));
  if (channels !== 1 && channels !== 2 && channels !== 4) {
    throw new InvalidImageError(`decoder returned ${channels} channels`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    if (channels <= 2) {
      rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = pixels[j];
    } else {
      rgb[i * 3] = pixels[j];
      rgb[i * 3 + 1] = pixels[j + 1];
      rgb[i * 3 + 2] = pixels[j + 2];
    }
  }
  return createRgbImage(width, height, rgb);
}

type SharpModule = typeof import('sharp').default;
let sharpModule: Promise<SharpModule> | undefined;

/** sharp is an optional peer dependency: load it on first use and explain when it is missing. */
async function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp').then(
    // ESM import gives { default: sharp }; the CommonJS bundle's require() gives the function itself.
    (module) => (module as unknown as { default?: SharpModule }).default ?? (module as unknown as SharpModule),
    (cause: unknown) => {
      sharpModule = undefined;
      throw new InvalidArgumentError(
        `decoding JPEG, PNG, TIFF and WebP needs the optional peer dependency sharp (npm install sharp): ${messageOf(cause)}`,
        { cause },
      );
    },
  );
  return sharpModule;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
