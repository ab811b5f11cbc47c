import { describe, expect, it } from 'vitest';
import { euclideanDistanceTransform } from './distance-transform';
import { seededRandom } from '../test-support/seeded-random';

/** O(n^2) reference: sqrt of the minimum squared distance to a zero pixel, rounded to float32. */
function bruteForceDistance(mask: Uint8Array, width: number, height: number): Float32Array {
  const zeros: [number, number][] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (mask[y * width + x] === 0) zeros.push([x, y]);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = Infinity;
      for (const [zx, zy] of zeros) best = Math.min(best, (x - zx) ** 2 + (y - zy) ** 2);
      out[y * width + x] = Math.sqrt(best);
    }
  }
  return out;
}

describe('euclideanDistanceTransform', () => {
  it('matches brute force bit for bit on random masks of varied density and shape', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 300; trial++) {
      const width = 1 + Math.floor(random() * 24);
      const height = 1 + Math.floor(random() * 24);
      const density = [0.02, 0.1, 0.5, 0.9, 0.99][trial % 5];
      const mask = new Uint8Array(width * height);
      for (let i = 0; i < mask.length; i++) mask[i] = random() < density ? 1 : 0;
      if (!mask.includes(0)) mask[Math.floor(random() * mask.length)] = 0;
      const expected = bruteForceDistance(mask, width, height);
      const actual = euclideanDistanceTransform(mask, width, height);
      expect(Array.from(actual), `trial ${trial} (${width}x${height})`).toEqual(Array.from(expected));
    }
  });

  it('gives 0 on zero pixels and the exact float32 square root elsewhere', () => {
    // One zero pixel in the corner of a 4 x 3 mask: distances are sqrt(x^2 + y^2).
    const mask = new Uint8Array(12).fill(1);
    mask[0] = 0;
    const distance = euclideanDistanceTransform(mask, 4, 3);
    expect(distance[0]).toBe(0);
    expect(distance[3]).toBe(3);
    expect(distance[2 * 4 + 3]).toBe(Math.fround(Math.sqrt(13)));
  });

  it('returns Infinity everywhere when there is no zero pixel', () => {
    const distance = euclideanDistanceTransform(new Uint8Array(6).fill(1), 3, 2);
    expect(Array.from(distance)).toEqual(new Array(6).fill(Infinity));
  });

  it('rejects a buffer of the wrong length', () => {
    expect(() => euclideanDistanceTransform(new Uint8Array(5), 3, 2)).toThrow(/expected 3 x 2/);
  });
});
