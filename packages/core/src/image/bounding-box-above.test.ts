import { describe, expect, it } from 'vitest';
import { maskBoundingBox } from '../mask/mask-bounding-box';
import { seededRandom } from '../test-support/seeded-random';
import { randomMask } from '../test-support/test-masks';
import { boundingBoxAbove } from './bounding-box-above';

/** Reference: every pixel visited. */
function plainBox(values: ArrayLike<number>, width: number, height: number, limit: number) {
  let box: { rowMin: number; rowMax: number; colMin: number; colMax: number } | null = null;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      if (!(values[row * width + col] > limit)) continue;
      box =
        box === null
          ? { rowMin: row, rowMax: row, colMin: col, colMax: col }
          : { rowMin: box.rowMin, rowMax: row, colMin: Math.min(box.colMin, col), colMax: Math.max(box.colMax, col) };
    }
  }
  return box;
}

describe('boundingBoxAbove', () => {
  it('matches a plain scan on random float rasters and thresholds', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 200; trial++) {
      const width = 1 + Math.floor(random() * 20);
      const height = 1 + Math.floor(random() * 20);
      const sparsity = random();
      const values = new Float32Array(width * height).map(() => (random() < sparsity ? 0 : random()));
      const limit = [0, 0.3, 0.9][trial % 3];
      expect(boundingBoxAbove(values, width, height, limit)).toEqual(plainBox(values, width, height, limit));
    }
  });

  it('is null for an empty or all-below raster', () => {
    expect(boundingBoxAbove(new Uint8Array(0), 0, 0, 0)).toBeNull();
    expect(boundingBoxAbove(new Float32Array(12).fill(0.5), 4, 3, 0.5)).toBeNull();
  });
});

describe('maskBoundingBox', () => {
  it('is the box of the non-zero pixels in x/y names', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const mask = randomMask(random, 1 + Math.floor(random() * 16), 1 + Math.floor(random() * 16), random() * 0.2);
      const plain = plainBox(mask.data, mask.width, mask.height, 0);
      expect(maskBoundingBox(mask)).toEqual(
        plain === null
          ? null
          : { colMin: plain.colMin, rowMin: plain.rowMin, colMax: plain.colMax, rowMax: plain.rowMax },
      );
    }
  });
});
