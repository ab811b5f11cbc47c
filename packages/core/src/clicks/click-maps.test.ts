import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import fixture from './__fixtures__/click-maps.json';
import { drawClickDisks, encodeClickDisks } from './click-maps';

// Reference disks come from PyTorch float32 tensors computed like the official DistMaps
// (packages/core/scripts/make-predictor-fixtures.py).

function setIndices(plane: Float32Array): number[] {
  const indices: number[] = [];
  plane.forEach((value, index) => {
    if (value !== 0) indices.push(index);
  });
  return indices;
}

describe('encodeClickDisks matches the official float32 disk test', () => {
  fixture.cases.forEach((testCase, caseIndex) => {
    it(`case ${caseIndex} (${testCase.clicks.length} clicks)`, () => {
      const { positive, negative } = encodeClickDisks(testCase.clicks, fixture.sizePx, fixture.radiusPx);
      expect(setIndices(positive)).toEqual(testCase.positive);
      expect(setIndices(negative)).toEqual(testCase.negative);
    });
  });

  it('the fixture exercises the rim and the skipped negative points', () => {
    const total = fixture.cases.reduce((sum, c) => sum + c.positive.length + c.negative.length, 0);
    expect(total).toBeGreaterThan(1000);
    const negativeCase = fixture.cases[fixture.cases.length - 1];
    // (-1, 3) and (3, -1) are drawn; (-0.5, -0.5) and (-4, -1) are skipped although their disks reach the crop.
    expect(negativeCase.positive.length).toBeGreaterThan(0);
    expect(negativeCase.negative.length).toBeGreaterThan(0);
  });
});

describe('drawClickDisks', () => {
  it('writes ones only, leaves the rest of the buffer as it was', () => {
    const size = 16;
    const buffer = new Float32Array(3 * size * size).fill(0.25);
    drawClickDisks([{ yNet: 8, xNet: 8, isPositive: true }], size, buffer, size * size, 2 * size * size);
    expect(buffer[0]).toBe(0.25);
    expect(buffer[size * size + 8 * size + 8]).toBe(1);
    expect(buffer[size * size + 8 * size + 13]).toBe(1); // distance exactly 5
    expect(buffer[size * size + 8 * size + 14]).toBe(0.25);
    expect(buffer[2 * size * size + 8 * size + 8]).toBe(0.25);
  });

  it('a disk of radius 5 around an integer point has 81 pixels', () => {
    const { positive } = encodeClickDisks([{ yNet: 20, xNet: 20, isPositive: true }], 48);
    expect(setIndices(positive).length).toBe(81);
  });

  it('rejects a bad size or a target that is too small', () => {
    expect(() => encodeClickDisks([], 0)).toThrow(InvalidArgumentError);
    expect(() => drawClickDisks([], 8, new Float32Array(10), 0, 64)).toThrow(InvalidArgumentError);
  });
});
