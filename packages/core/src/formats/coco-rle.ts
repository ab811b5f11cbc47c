import { InvalidFormatError } from '../errors';
import { assertBinaryMask } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';

/**
 * COCO run-length encoding of a mask, as pycocotools writes it (`mask.encode`) in the `segmentation` of an
 * annotation or result. `size` is `[height, width]`. `counts` alternates runs of 0 and 1 over the pixels in
 * column-major order (down each column, then left to right), starting with a run of 0 (of length 0 when the
 * top-left pixel is set). As a string it is pycocotools' compressed form (`rleToString`); as a number array it
 * is the uncompressed form that `mask.frPyObjects` accepts.
 */
export interface CocoRle {
  readonly size: readonly [height: number, width: number];
  readonly counts: string | readonly number[];
}

/** {@link CocoRle} with compressed `counts`. */
export interface CompressedCocoRle extends CocoRle {
  readonly counts: string;
}

/** {@link CocoRle} with uncompressed `counts`. */
export interface UncompressedCocoRle extends CocoRle {
  readonly counts: number[];
}

/** Largest mask {@link decodeCocoRle} allocates (2^30 pixels), so a forged `size` cannot exhaust memory. */
export const MAX_DECODED_PIXELS = 2 ** 30;

/** `[x, y, width, height]` in pixels, as pycocotools' `toBbox` (all zeros for an empty mask). */
export type CocoBbox = [xPx: number, yPx: number, widthPx: number, heightPx: number];

/** Run lengths of a mask in COCO order (column-major, starting with zeros), as pycocotools' `rleEncode`. */
export function encodeCocoRleCounts(mask: BinaryMask): number[] {
  assertBinaryMask(mask);
  const { width, height, data } = mask;
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  // Column-major walk over a row-major buffer: one column at a time, stepping by `width`.
  for (let x = 0; x < width; x++) {
    for (let i = x, end = x + height * width; i < end; i += width) {
      const pixel = data[i] !== 0 ? 1 : 0;
      if (pixel !== value) {
        counts.push(run);
        run = 0;
        value = pixel;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** Encodes a mask as compressed COCO RLE (the object pycocotools' `mask.encode` returns, counts as text). */
export function encodeCocoRle(mask: BinaryMask): CompressedCocoRle {
  const counts = encodeCocoRleCounts(mask);
  return { size: [mask.height, mask.width], counts: cocoCountsToString(counts) };
}

/** Encodes a mask as uncompressed COCO RLE (counts as a number array). */
export function encodeUncompressedCocoRle(mask: BinaryMask): UncompressedCocoRle {
  return { size: [mask.height, mask.width], counts: encodeCocoRleCounts(mask) };
}

/**
 * pycocotools' `rleToString`: each count (from the fourth on, minus the count two places before it) is
 * written as a signed little-endian base-32 number, 5 bits per character plus a continuation bit (0x20), with
 * the character code offset by 48 (so characters are '0'..'o').
 */
export function cocoCountsToString(counts: readonly number[]): string {
  const characters: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) {
      throw new InvalidFormatError(`COCO RLE count ${i} must be an unsigned 32-bit integer, got ${String(count)}`);
    }
    // Deltas stay within +-2^32, exact in float64; arithmetic instead of bit shifts avoids int32 overflow.
    let x = i > 2 ? count - counts[i - 2] : count;
    let more = true;
    while (more) {
      const chunk = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (chunk & 0x10) !== 0 ? x !== -1 : x !== 0;
      characters.push((more ? chunk | 0x20 : chunk) + 48);
    }
  }
  // Chunked to stay below the argument limit of String.fromCharCode.
  let text = '';
  for (let start = 0; start < characters.length; start += 8192) {
    text += String.fromCharCode(...characters.slice(start, start + 8192));
  }
  return text;
}

/**
 * pycocotools' `rleFrString`, the inverse of {@link cocoCountsToString}. Throws {@link InvalidFormatError} on
 * a character outside '0'..'o', a number cut off by the end of the string, or a count outside 0..2^32-1.
 */
export function cocoStringToCounts(text: string): number[] {
  if (typeof text !== 'string') throw new InvalidFormatError('COCO RLE counts must be a string or a number array');
  const counts: number[] = [];
  let position = 0;
  while (position < text.length) {
    let x = 0;
    let scale = 1;
    let more = true;
    let chunk = 0;
    while (more) {
      if (position >= text.length) {
        throw new InvalidFormatError(`COCO RLE string ends inside a number (count ${counts.length})`);
      }
      const code = text.charCodeAt(position++) - 48;
      if (code < 0 || code > 63) {
        throw new InvalidFormatError(`COCO RLE string has an invalid character at ${position - 1}`);
      }
      chunk = code & 0x1f;
      x += chunk * scale;
      scale *= 32;
      more = (code & 0x20) !== 0;
      // A 7th character would be shifted past 32 bits; no valid count needs it.
      if (more && scale > 2 ** 30) throw new InvalidFormatError(`COCO RLE number ${counts.length} is too long`);
    }
    if ((chunk & 0x10) !== 0) x -= scale; // sign-extend
    const m = counts.length;
    if (m > 2) x += counts[m - 2];
    if (x < 0 || x > 0xffffffff) {
      throw new InvalidFormatError(`COCO RLE count ${m} decodes to ${x}, outside 0..2^32-1`);
    }
    counts.push(x);
  }
  return counts;
}

/** The counts of a {@link CocoRle}, decompressed when they are a string, after checking `size`. */
function readCounts(rle: CocoRle): { height: number; width: number; counts: readonly number[] } {
  if (rle === null || typeof rle !== 'object') throw new InvalidFormatError('COCO RLE must be an object');
  const { size, counts } = rle;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new InvalidFormatError(`COCO RLE size must be [height, width] integers, got ${JSON.stringify(size)}`);
  }
  const [height, width] = size;
  if (typeof counts === 'string') return { height, width, counts: cocoStringToCounts(counts) };
  if (!Array.isArray(counts)) throw new InvalidFormatError('COCO RLE counts must be a string or a number array');
  counts.forEach((count, i) => {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidFormatError(`COCO RLE count ${i} must be a non-negative integer, got ${String(count)}`);
    }
  });
  return { height, width, counts };
}

/** Throws unless the runs cover exactly `height * width` pixels. */
function assertCoverage(counts: readonly number[], height: number, width: number): void {
  let total = 0;
  for (const count of counts) total += count;
  if (total !== height * width) {
    throw new InvalidFormatError(
      `COCO RLE runs cover ${total} pixels, expected ${height} x ${width} = ${height * width}`,
    );
  }
}

/**
 * Decodes COCO RLE (compressed or uncompressed counts) into a mask. Throws {@link InvalidFormatError} when the
 * runs do not cover exactly `height * width` pixels (pycocotools rejects runs that overflow the mask and leaves
 * the pixels after short runs undefined; both are errors here).
 */
export function decodeCocoRle(rle: CocoRle): BinaryMask {
  const { height, width, counts } = readCounts(rle);
  if (height * width > MAX_DECODED_PIXELS) {
    throw new InvalidFormatError(`COCO RLE size ${height} x ${width} is larger than ${MAX_DECODED_PIXELS} pixels`);
  }
  assertCoverage(counts, height, width);
  const data = new Uint8Array(width * height);
  let position = 0;
  for (let i = 0; i < counts.length; i++) {
    const end = position + counts[i];
    if ((i & 1) === 1) {
      // Run [position, end) in column-major order: split into per-column pieces.
      let p = position;
      while (p < end) {
        const x = Math.floor(p / height);
        const y = p - x * height;
        const pieceEnd = Math.min(end, (x + 1) * height);
        for (let index = y * width + x, k = p; k < pieceEnd; k++, index += width) data[index] = 1;
        p = pieceEnd;
      }
    }
    position = end;
  }
  return { width, height, data };
}

/** Foreground pixel count of a COCO RLE, as pycocotools' `area` (sum of the runs of 1); checks the runs too. */
export function cocoRleArea(rle: CocoRle): number {
  const { height, width, counts } = readCounts(rle);
  assertCoverage(counts, height, width);
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i];
  return area;
}

/**
 * Tight bounding box `[x, y, width, height]` of a COCO RLE, as pycocotools' `toBbox` (current version, which
 * skips runs of length 0): `[0, 0, 0, 0]` for an empty mask. Computed from the runs, without decoding.
 */
export function cocoRleBbox(rle: CocoRle): CocoBbox {
  const { height, width, counts } = readCounts(rle);
  assertCoverage(counts, height, width);
  let xMin = Infinity;
  let xMax = -1;
  let yMin = Infinity;
  let yMax = -1;
  let position = 0;
  for (let i = 0; i < counts.length; i++) {
    const start = position;
    position += counts[i];
    if ((i & 1) === 0 || counts[i] === 0) continue;
    const xStart = Math.floor(start / height);
    const xEnd = Math.floor((position - 1) / height);
    xMin = Math.min(xMin, xStart);
    xMax = Math.max(xMax, xEnd);
    if (xStart < xEnd) {
      // A run that wraps into the next column holds the last row of one column and the first of the next.
      yMin = 0;
      yMax = height - 1;
    } else {
      yMin = Math.min(yMin, start - xStart * height);
      yMax = Math.max(yMax, position - 1 - xEnd * height);
    }
  }
  if (xMax < 0) return [0, 0, 0, 0];
  return [xMin, yMin, xMax - xMin + 1, yMax - yMin + 1];
}
