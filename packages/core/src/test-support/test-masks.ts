/**
 * Test-only (not exported from the package): masks for the tests of every folder. Rebuilds the masks described in
 * the generated fixture files (see packages/core/scripts/mask_fixture_masks.py), makes masks from text rows,
 * rectangles and seeded random draws, and compares them.
 */
import type { BinaryMask } from '../mask/binary-mask';

/** A mask as the fixture generators describe it: rows of '0'/'1', or half-open rectangles filled with 1. */
export interface FixtureMaskDescription {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly rows?: readonly string[];
  readonly fillRects?: readonly (readonly [number, number, number, number])[];
}

/** Rebuilds a fixture mask. */
export function fixtureMask(description: FixtureMaskDescription): BinaryMask {
  const { width, height } = description;
  const data = new Uint8Array(width * height);
  if (description.rows) {
    description.rows.forEach((row, y) => {
      for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '1' ? 1 : 0;
    });
  }
  for (const [x0, y0, x1, y1] of description.fillRects ?? []) {
    for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  }
  return { width, height, data };
}

/** Builds a mask from rows of '0'/'1' or '.'/'#' (1 for '1' and '#'); all rows the same length. */
export function maskFromRows(rows: readonly string[]): BinaryMask {
  const height = rows.length;
  const width = height === 0 ? 0 : rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error(`row ${y} has ${row.length} characters, expected ${width}`);
    for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '1' || row[x] === '#' ? 1 : 0;
  });
  return { width, height, data };
}

/** A mask with 1 inside the axis-aligned rectangle (inclusive bounds). */
export function rectangleMask(
  width: number,
  height: number,
  rect: { xMin: number; xMax: number; yMin: number; yMax: number },
): BinaryMask {
  const data = new Uint8Array(width * height);
  for (let y = rect.yMin; y <= rect.yMax; y++) for (let x = rect.xMin; x <= rect.xMax; x++) data[y * width + x] = 1;
  return { width, height, data };
}

/**
 * A random mask: independent pixels with probability `density`, or blobby when `blobs` is set (random discs and
 * discs cut out of them, giving holes and islands inside holes).
 */
export function randomMask(
  random: () => number,
  width: number,
  height: number,
  density: number,
  blobs = false,
): BinaryMask {
  const data = new Uint8Array(width * height);
  if (!blobs) {
    for (let i = 0; i < data.length; i++) data[i] = random() < density ? 1 : 0;
    return { width, height, data };
  }
  const discCount = 3 + Math.floor(random() * 6);
  for (let k = 0; k < discCount; k++) {
    const cx = random() * width;
    const cy = random() * height;
    const radius = 1 + random() * Math.min(width, height) * 0.3;
    const value = k % 3 === 2 ? 0 : 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < radius * radius) data[y * width + x] = value;
      }
    }
  }
  // Speckle noise so that small islands and holes exist too.
  for (let i = 0; i < data.length; i++) if (random() < density * 0.05) data[i] ^= 1;
  return { width, height, data };
}

/** The rows of a mask as '0'/'1' strings, for readable assertions. */
export function maskRows(mask: BinaryMask): string[] {
  const rows: string[] = [];
  for (let y = 0; y < mask.height; y++) {
    let row = '';
    for (let x = 0; x < mask.width; x++) row += mask.data[y * mask.width + x] !== 0 ? '1' : '0';
    rows.push(row);
  }
  return rows;
}

/** Index of the first differing element, or -1 when equal (fast, unlike deep equality on big typed arrays). */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Independent reference labelling for tests: depth-first flood fill from each unlabelled pixel in raster order,
 * over the pixels equal to `value` (non-zero pixels for 1, zero pixels for 0).
 */
export function floodFillLabels(mask: BinaryMask, connectivity: 4 | 8, value: 0 | 1 = 1): Int32Array {
  const { width, height, data } = mask;
  const on = (i: number) => (data[i] !== 0 ? 1 : 0) === value;
  const labels = new Int32Array(width * height);
  const offsets =
    connectivity === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  let next = 0;
  for (let start = 0; start < labels.length; start++) {
    if (!on(start) || labels[start] !== 0) continue;
    next++;
    labels[start] = next;
    const stack = [start];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % width;
      const y = (i - x) / width;
      for (const [dx, dy] of offsets) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (on(j) && labels[j] === 0) {
          labels[j] = next;
          stack.push(j);
        }
      }
    }
  }
  return labels;
}
