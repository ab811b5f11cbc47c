import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidClickError } from '../errors';
import { cleanUpMask } from './clean-up-mask';
import { fillHoles } from './fill-holes';
import { keepClickedComponents, keepLargestComponent } from './keep-components';
import { removeIslands } from './remove-islands';
import type { BinaryMask } from './binary-mask';
import { firstDifference, floodFillLabels, maskFromRows, maskRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

// A ring (hole of 9 pixels) with a 1-pixel island inside the hole, a small blob on the right, a speck.
const scene = maskFromRows([
  '000000000000',
  '011111000000',
  '010001000110',
  '010101000110',
  '010001000000',
  '011111000001',
  '000000000000',
]);

describe('keepClickedComponents / keepLargestComponent', () => {
  it('keeps the components under positive clicks only', () => {
    const kept = keepClickedComponents(scene, [
      { xPx: 9.7, yPx: 2.2, isPositive: true }, // blob (pixel 9, 2)
      { xPx: 11, yPx: 5, isPositive: false }, // negative on the speck: ignored
    ]);
    expect(maskRows(kept)).toEqual([
      '000000000000',
      '000000000000',
      '000000000110',
      '000000000110',
      '000000000000',
      '000000000000',
      '000000000000',
    ]);
    expect(maskRows(scene)[1]).toBe('011111000000'); // input unchanged
  });

  it('falls back to the largest component, the whole mask, or nothing', () => {
    const clicks = [{ xPx: 0, yPx: 0, isPositive: true }];
    expect(keepClickedComponents(scene, clicks)).toEqual(keepLargestComponent(scene));
    expect(keepClickedComponents(scene, clicks, { fallback: 'all' }).data).toEqual(scene.data);
    expect(keepClickedComponents(scene, clicks, { fallback: 'none' }).data.every((v) => v === 0)).toBe(true);
    expect(maskRows(keepLargestComponent(scene))[3]).toBe('010001000000'); // the ring, without its island
  });

  it('rejects clicks outside the mask before doing anything', () => {
    expect(() => keepClickedComponents(scene, [{ xPx: 12, yPx: 0, isPositive: true }])).toThrow(InvalidClickError);
    expect(() => keepClickedComponents(scene, [{ xPx: NaN, yPx: 0, isPositive: true }])).toThrow(InvalidClickError);
  });
});

describe('fillHoles / removeIslands', () => {
  it('fills every hole by default, islands inside included', () => {
    expect(maskRows(fillHoles(scene))).toEqual([
      '000000000000',
      '011111000000',
      '011111000110',
      '011111000110',
      '011111000000',
      '011111000001',
      '000000000000',
    ]);
  });

  it('fills only holes up to maxAreaPx', () => {
    expect(fillHoles(scene, { maxAreaPx: 7 }).data).toEqual(scene.data); // the hole has 8 pixels
    expect(fillHoles(scene, { maxAreaPx: 8 })).toEqual(fillHoles(scene));
  });

  it('uses the other connectivity for holes', () => {
    // The centre pixel touches the outside only through a corner.
    const notch = maskFromRows(['11100', '10100', '11010', '00000']);
    expect(maskRows(fillHoles(notch, { connectivity: 8 }))[1]).toBe('11100'); // 4-connected hole: filled
    expect(maskRows(fillHoles(notch, { connectivity: 4 }))[1]).toBe('10100'); // 8-connected background: outside
  });

  it('removes components up to maxAreaPx', () => {
    expect(maskRows(removeIslands(scene, { maxAreaPx: 1 }))[3]).toBe('010001000110');
    expect(maskRows(removeIslands(scene, { maxAreaPx: 1 }))[5]).toBe('011111000000');
    expect(maskRows(removeIslands(scene, { maxAreaPx: 4 }))[2]).toBe('010001000000');
    expect(() => removeIslands(scene, { maxAreaPx: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('cleanUpMask', () => {
  it('changes nothing by default but normalises values to 0/1', () => {
    const twoFiftyFive = { ...scene, data: scene.data.map((v) => v * 255) };
    expect(cleanUpMask(twoFiftyFive).data).toEqual(scene.data);
  });

  it('keeps the clicked component and fills its holes', () => {
    const result = cleanUpMask(scene, {
      keep: 'clicked',
      clicks: [{ xPx: 1, yPx: 1, isPositive: true }],
      fillHolesMaxAreaPx: Infinity,
    });
    expect(maskRows(result)).toEqual([
      '000000000000',
      '011111000000',
      '011111000000',
      '011111000000',
      '011111000000',
      '011111000000',
      '000000000000',
    ]);
  });

  it('validates options', () => {
    expect(() => cleanUpMask(scene, { keep: 'clicked' })).toThrow(InvalidArgumentError);
    expect(() => cleanUpMask(scene, { fillHolesMaxAreaPx: 1.5 })).toThrow(InvalidArgumentError);
  });
});

describe('fillHoles / removeIslands / keepLargestComponent against a flood-fill reference', () => {
  function areas(labels: Int32Array): Map<number, number> {
    const result = new Map<number, number>();
    for (const label of labels) if (label !== 0) result.set(label, (result.get(label) ?? 0) + 1);
    return result;
  }
  function referenceFillHoles(mask: BinaryMask, connectivity: 4 | 8, maxAreaPx: number): Uint8Array {
    const { width, height } = mask;
    const labels = floodFillLabels(mask, connectivity === 8 ? 4 : 8, 0);
    const outside = new Set<number>();
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (x === 0 || y === 0 || x === width - 1 || y === height - 1) outside.add(labels[y * width + x]);
      }
    }
    const size = areas(labels);
    return mask.data.map((v, i) =>
      v !== 0 || (labels[i] !== 0 && !outside.has(labels[i]) && (size.get(labels[i]) ?? 0) <= maxAreaPx) ? 1 : 0,
    );
  }

  it('agrees on random masks', () => {
    const random = seededRandom(21);
    for (let trial = 0; trial < 40; trial++) {
      const mask = randomMask(
        random,
        1 + Math.floor(random() * 50),
        1 + Math.floor(random() * 50),
        random(),
        trial % 2 === 0,
      );
      for (const connectivity of [4, 8] as const) {
        for (const maxAreaPx of [0, 1, 3, 10, Infinity]) {
          expect(
            firstDifference(
              fillHoles(mask, { connectivity, maxAreaPx }).data,
              referenceFillHoles(mask, connectivity, maxAreaPx),
            ),
          ).toBe(-1);
          const labels = floodFillLabels(mask, connectivity);
          const size = areas(labels);
          const islandsRemoved = labels.map((label) => (label !== 0 && (size.get(label) ?? 0) > maxAreaPx ? 1 : 0));
          expect(firstDifference(removeIslands(mask, { connectivity, maxAreaPx }).data, islandsRemoved)).toBe(-1);
        }
        const labels = floodFillLabels(mask, connectivity);
        const size = areas(labels);
        let largest = 0;
        for (const [label, area] of size)
          if (area > (size.get(largest) ?? 0) || (area === size.get(largest) && label < largest)) largest = label;
        const onlyLargest = labels.map((label) => (label !== 0 && label === largest ? 1 : 0));
        expect(firstDifference(keepLargestComponent(mask, { connectivity }).data, onlyLargest)).toBe(-1);
      }
    }
  });
});
