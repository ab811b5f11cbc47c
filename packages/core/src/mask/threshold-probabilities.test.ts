import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import { DEFAULT_MASK_THRESHOLD, thresholdProbabilities } from './threshold-probabilities';

describe('thresholdProbabilities', () => {
  it('uses a strict > against the float32 threshold 0.49 by default', () => {
    const t32 = Math.fround(0.49);
    const justAbove = new Float32Array([t32 + 1e-7])[0];
    const values = new Float32Array([0, 0.2, t32, justAbove, 0.5, 1, NaN, -1, 2]);
    const mask = thresholdProbabilities({ width: 9, height: 1, data: values });
    expect(DEFAULT_MASK_THRESHOLD).toBe(0.49);
    expect(justAbove).toBeGreaterThan(t32);
    expect(Array.from(mask.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 1]);
  });

  it('compares in float32: a probability equal to fround(threshold) is background even above the float64 value', () => {
    // 0.1 rounds up in float32, so fround(0.1) > 0.1: a float64 comparison would call it foreground.
    const threshold = 0.1;
    expect(Math.fround(threshold)).toBeGreaterThan(threshold);
    const mask = thresholdProbabilities({ width: 1, height: 1, data: new Float32Array([threshold]) }, { threshold });
    expect(mask.data[0]).toBe(0);
  });

  it('keeps the size and rejects bad input', () => {
    const mask = thresholdProbabilities({ width: 2, height: 3, data: new Float32Array(6).fill(0.9) });
    expect([mask.width, mask.height, mask.data.length]).toEqual([2, 3, 6]);
    expect(() => thresholdProbabilities({ width: 2, height: 2, data: new Float32Array(3) })).toThrow(InvalidMaskError);
    expect(() =>
      thresholdProbabilities({ width: 1, height: 1, data: new Float32Array(1) }, { threshold: NaN }),
    ).toThrow(InvalidArgumentError);
  });
});
