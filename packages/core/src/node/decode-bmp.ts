/**
 * A small reader for Windows BMP files (sharp/libvips has no BMP loader; GrabCut ships its images and masks as
 * BMP). Written here rather than taken from npm on purpose: the maintained candidate (fast-bmp) ignores the colour
 * table of 8-bit files (returns palette indices), cannot read top-down files and supports only some headers; the
 * bmp-js lineage (bmp-js, bmp-ts) depends on Node's Buffer, has no bounds checks (a truncated file throws a
 * RangeError or reads garbage) and is no longer kept. The format subset below is small and fully specified.
 *
 * Supported, matching what OpenCV's `imread` returns for the same file:
 * - headers: BITMAPCOREHEADER (12 bytes, OS/2), BITMAPINFOHEADER (40) and its V2/V3/V4/V5 extensions (52/56/108/124);
 * - 1, 4 and 8 bits per pixel through the colour table (indices past the table read as black);
 * - 16 bits (BI_RGB = 5-5-5, or BI_BITFIELDS), 24 bits (BGR), 32 bits (BI_RGB = BGRX, or BI_BITFIELDS); sub-8-bit
 *   channels are widened by a left shift (31 -> 248 for 5 bits), as OpenCV does;
 * - bottom-up (positive height) and top-down (negative height) row order; alpha is dropped.
 * Not supported (InvalidImageError): RLE4/RLE8, embedded JPEG/PNG (compression 4/5), CMYK variants.
 */
import { ImageTooLargeError, InvalidImageError } from '../errors';
import { createRgbImage, type RgbImage } from '../image/rgb-image';

/** What the header of a BMP file says, before any pixel is read. */
export interface BmpHeader {
  readonly width: number;
  /** Always positive; see {@link BmpHeader.isTopDown}. */
  readonly height: number;
  /** true when the first stored row is the top row (negative height in the file). */
  readonly isTopDown: boolean;
  readonly bitsPerPixel: 1 | 4 | 8 | 16 | 24 | 32;
  /** 0 = BI_RGB, 3 = BI_BITFIELDS, 6 = BI_ALPHABITFIELDS. */
  readonly compression: number;
  /** Byte offset of the pixel array. */
  readonly pixelOffset: number;
  /** Colour table as RGB triples (for 1, 4 and 8 bits per pixel), else empty. */
  readonly palette: Uint8Array;
  /** Red, green, blue bit masks (for 16 and 32 bits per pixel). */
  readonly channelMasks: readonly [number, number, number];
}

const FILE_HEADER_BYTES = 14;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** true when the bytes start with the BMP signature `BM`. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Parses and checks the BMP headers (file header, info header, bit masks, colour table) without touching pixels.
 * @throws InvalidImageError when the bytes are not a supported, complete BMP header.
 */
export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (!isBmp(bytes)) throw new InvalidImageError('not a BMP file (no "BM" signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  requireBytes(bytes, FILE_HEADER_BYTES + 4, 'file header');
  const pixelOffset = view.getUint32(10, true);
  const infoHeaderSize = view.getUint32(14, true);
  const supportedInfoSizes = [12, 40, 52, 56, 108, 124];
  if (!supportedInfoSizes.includes(infoHeaderSize)) {
    throw new InvalidImageError(`unsupported BMP info header size ${infoHeaderSize}`);
  }
  requireBytes(bytes, FILE_HEADER_BYTES + infoHeaderSize, 'info header');

  const isCoreHeader = infoHeaderSize === 12;
  const width = isCoreHeader ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = isCoreHeader ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(isCoreHeader ? 24 : 28, true);
  const compression = isCoreHeader ? BI_RGB : view.getUint32(30, true);
  const colorsUsed = isCoreHeader ? 0 : view.getUint32(46, true);

  if (width <= 0 || signedHeight === 0 || signedHeight === -2147483648) {
    throw new InvalidImageError(`invalid BMP size ${width} x ${signedHeight}`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) {
    throw new InvalidImageError(`unsupported BMP bit depth ${bitsPerPixel}`);
  }
  const isBitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !(isBitfields && (bitsPerPixel === 16 || bitsPerPixel === 32))) {
    const names: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'embedded JPEG', 5: 'embedded PNG' };
    throw new InvalidImageError(
      `unsupported BMP compression ${names[compression] ?? compression} at ${bitsPerPixel} bits per pixel`,
    );
  }

  let channelMasks: [number, number, number] = [0, 0, 0];
  if (bitsPerPixel === 16) channelMasks = [0x7c00, 0x03e0, 0x001f];
  if (bitsPerPixel === 32) channelMasks = [0x00ff0000, 0x0000ff00, 0x000000ff];
  if (isBitfields) {
    // The masks follow a 40-byte header, and sit inside the larger ones at the same place.
    const masksOffset = FILE_HEADER_BYTES + 40;
    requireBytes(bytes, masksOffset + 12, 'bit masks');
    channelMasks = [
      view.getUint32(masksOffset, true),
      view.getUint32(masksOffset + 4, true),
      view.getUint32(masksOffset + 8, true),
    ];
    if (channelMasks.some((mask) => mask === 0 || !isContiguousMask(mask))) {
      throw new InvalidImageError(`invalid BMP bit masks ${channelMasks.map((m) => m.toString(16)).join(', ')}`);
    }
  }

  let palette = new Uint8Array(0);
  if (bitsPerPixel <= 8) {
    const entryBytes = isCoreHeader ? 3 : 4;
    let paletteStart = FILE_HEADER_BYTES + infoHeaderSize;
    if (infoHeaderSize === 40 && isBitfields) paletteStart += 12;
    const maxEntries = 1 << bitsPerPixel;
    const declared = colorsUsed === 0 ? maxEntries : Math.min(colorsUsed, maxEntries);
    // Some writers declare more colours than fit before the pixels; read what is there.
    const available = Math.floor(Math.max(0, pixelOffset - paletteStart) / entryBytes);
    const entries = Math.min(declared, available);
    requireBytes(bytes, paletteStart + entries * entryBytes, 'colour table');
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++) {
      const at = paletteStart + i * entryBytes; // stored B, G, R[, reserved]
      palette[i * 3] = bytes[at + 2];
      palette[i * 3 + 1] = bytes[at + 1];
      palette[i * 3 + 2] = bytes[at];
    }
  }

  return {
    width,
    height: Math.abs(signedHeight),
    isTopDown: signedHeight < 0,
    bitsPerPixel: bitsPerPixel as BmpHeader['bitsPerPixel'],
    compression,
    pixelOffset,
    palette,
    channelMasks,
  };
}

/**
 * Decodes a BMP file to RGB.
 * @param maxPixels - width * height limit, checked from the header before the pixel buffer is allocated.
 * @throws InvalidImageError for malformed, truncated or unsupported files; ImageTooLargeError over `maxPixels`.
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number = Number.POSITIVE_INFINITY): RgbImage {
  const header = readBmpHeader(bytes);
  const { width, height, bitsPerPixel, pixelOffset, isTopDown } = header;
  if (width * height > maxPixels) {
    throw new ImageTooLargeError(`BMP is ${width} x ${height} = ${width * height} pixels, limit is ${maxPixels}`);
  }
  const rowStride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  // The last row needs only its pixels, not its padding (some writers drop the final padding).
  const lastRowBytes = Math.ceil((bitsPerPixel * width) / 8);
  if (pixelOffset + rowStride * (height - 1) + lastRowBytes > bytes.length) {
    throw new InvalidImageError(
      `truncated BMP: ${width} x ${height} at ${bitsPerPixel} bits needs ${pixelOffset + rowStride * height} bytes, ` +
        `file has ${bytes.length}`,
    );
  }

  const rgb = new Uint8Array(width * height * 3);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { palette } = header;
  const paletteEntries = palette.length / 3;
  const [redMask, greenMask, blueMask] = header.channelMasks;
  const red = maskReader(redMask);
  const green = maskReader(greenMask);
  const blue = maskReader(blueMask);

  for (let storedRow = 0; storedRow < height; storedRow++) {
    const y = isTopDown ? storedRow : height - 1 - storedRow;
    const rowStart = pixelOffset + storedRow * rowStride;
    let out = y * width * 3;
    for (let x = 0; x < width; x++, out += 3) {
      if (bitsPerPixel <= 8) {
        const bitOffset = x * bitsPerPixel;
        const byte = bytes[rowStart + (bitOffset >> 3)];
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & ((1 << bitsPerPixel) - 1);
        if (index < paletteEntries) {
          rgb[out] = palette[index * 3];
          rgb[out + 1] = palette[index * 3 + 1];
          rgb[out + 2] = palette[index * 3 + 2];
        } // else: left black
      } else if (bitsPerPixel === 24) {
        const at = rowStart + x * 3;
        rgb[out] = bytes[at + 2];
        rgb[out + 1] = bytes[at + 1];
        rgb[out + 2] = bytes[at];
      } else {
        const value =
          bitsPerPixel === 16 ? view.getUint16(rowStart + x * 2, true) : view.getUint32(rowStart + x * 4, true);
        rgb[out] = red(value);
        rgb[out + 1] = green(value);
        rgb[out + 2] = blue(value);
      }
    }
  }
  return createRgbImage(width, height, rgb);
}

function requireBytes(bytes: Uint8Array, needed: number, what: string): void {
  if (bytes.length < needed) throw new InvalidImageError(`truncated BMP ${what}: ${bytes.length} of ${needed} bytes`);
}

function isContiguousMask(mask: number): boolean {
  const shifted = mask >>> countTrailingZeros(mask);
  return (shifted & (shifted + 1)) === 0;
}

function countTrailingZeros(value: number): number {
  return value === 0 ? 32 : 31 - Math.clz32(value & -value);
}

/** Extracts one channel through its bit mask and widens it to 8 bits by shifting (OpenCV's way), no rounding. */
function maskReader(mask: number): (value: number) => number {
  const shift = countTrailingZeros(mask);
  const bits = 32 - Math.clz32(mask >>> shift);
  return bits >= 8
    ? (value) => ((value & mask) >>> shift) >>> (bits - 8)
    : (value) => (((value & mask) >>> shift) << (8 - bits)) & 0xff;
}
