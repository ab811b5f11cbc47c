// Helpers shared by the eval tests (not exported from the package).
import type { BinaryMask } from '../mask/binary-mask';

/** A mask from rows of '#' (1) and '.' (0); all rows the same length. */
export function maskFromRows(rows: readonly string[]): BinaryMask {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error(`row ${y} has ${row.length} characters, expected ${width}`);
    for (let x = 0; x < width; x++) data[y * width + x] = row[x] === '#' ? 1 : 0;
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

/** Small deterministic PRNG (mulberry32) so random tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
