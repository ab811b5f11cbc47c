// Test-only: encoded test images (PNG, EXIF-rotated JPEG, corrupt bytes, a PNG whose header declares a huge size).
import { crc32 } from 'node:zlib';
import { encodeRgbPng } from '@simpleclick/core/formats';
import { type RgbImage } from '@simpleclick/core';

// The embedded default model; tests that need it skip with NO_MODEL_MESSAGE when it is absent.
export {
  REPO_ROOT,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
  HAVE_DEFAULT_MODEL,
  NO_MODEL_MESSAGE,
  UNTRAINED_TOY_MODEL_PATH,
} from '../../../../test/support/default-model';

export function png(image: RgbImage): Uint8Array {
  return encodeRgbPng(image);
}

/** A valid PNG whose IHDR says `width` x `height` (its pixel data is for 1 x 1): decoders must refuse it from the header. */
export function pngDeclaringSize(width: number, height: number): Uint8Array {
  const bytes = Buffer.from(encodeRgbPng({ width: 1, height: 1, data: new Uint8Array(3) }));
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4), ..., CRC over type + data.
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  const ihdrLength = bytes.readUInt32BE(8);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 16 + ihdrLength)), 16 + ihdrLength);
  return new Uint8Array(bytes);
}

/** A JPEG of `image` tagged with EXIF orientation 6 (display rotated 90 degrees clockwise). */
export async function jpegWithExifRotation(image: RgbImage): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  const buffer = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return new Uint8Array(buffer);
}
