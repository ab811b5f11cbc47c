import { encode } from 'fast-png';
import type { RgbImage } from '../image/rgb-image';

/**
 * Encodes an RGB image as an 8-bit RGB PNG with fast-png (pure TypeScript, the PNG library the mask PNGs use,
 * so this runs in Node and browsers alike).
 */
export function encodeRgbPng(image: RgbImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
}
