import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import type { Connectivity } from './connected-components';
import { labelConnectedComponents } from './connected-components';
import { firstDifference, floodFillLabels, maskFromRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

describe('labelConnectedComponents', () => {
  const diagonal = maskFromRows(['1000', '0100', '0010', '1001']);

  it('joins diagonal neighbours with 8-connectivity only', () => {
    const eight = labelConnectedComponents(diagonal, { connectivity: 8 });
    expect(eight.count).toBe(2);
    expect(Array.from(eight.areasPx)).toEqual([0, 4, 1]);
    const four = labelConnectedComponents(diagonal, { connectivity: 4 });
    expect(four.count).toBe(5);
    expect(Array.from(four.labels)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0, 0, 5]);
  });

  it('numbers components in raster order of their first pixel, even when joined late (U shape)', () => {
    const u = maskFromRows(['1010', '1010', '1110', '0001']);
    const result = labelConnectedComponents(u, { connectivity: 4 });
    expect(result.count).toBe(2);
    expect(Array.from(result.labels)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 2]);
    expect(labelConnectedComponents(u).count).toBe(1); // default 8 joins the corner pixel
  });

  it('matches a flood fill on random masks (both connectivities)', () => {
    const random = seededRandom(1);
    for (let trial = 0; trial < 40; trial++) {
      const width = 1 + Math.floor(random() * 40);
      const height = 1 + Math.floor(random() * 40);
      const mask = randomMask(random, width, height, random(), trial % 2 === 0);
      for (const connectivity of [4, 8] as const) {
        const result = labelConnectedComponents(mask, { connectivity });
        const reference = floodFillLabels(mask, connectivity);
        expect(firstDifference(result.labels, reference)).toBe(-1);
        const areas = new Uint32Array(result.count + 1);
        for (const label of reference) if (label !== 0) areas[label]++;
        expect(result.areasPx).toEqual(areas);
      }
    }
  });

  it('handles empty and zero-size masks, rejects bad input', () => {
    expect(labelConnectedComponents({ width: 0, height: 0, data: new Uint8Array(0) }).count).toBe(0);
    expect(labelConnectedComponents({ width: 3, height: 2, data: new Uint8Array(6) }).count).toBe(0);
    expect(() => labelConnectedComponents({ width: 3, height: 2, data: new Uint8Array(5) })).toThrow(InvalidMaskError);
    expect(() => labelConnectedComponents(diagonal, { connectivity: 6 as Connectivity })).toThrow(InvalidArgumentError);
  });
});
