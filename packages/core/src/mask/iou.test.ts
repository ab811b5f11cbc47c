import { describe, expect, it } from 'vitest';
import { createBinaryMask } from './binary-mask';
import { computeIou } from './iou';
import { maskFromRows } from '../test-support/test-masks';

describe('computeIou', () => {
  const gt = maskFromRows(['####....', '####....']);
  const prediction = maskFromRows(['..####..', '..####..']);

  it('is intersection over union', () => {
    expect(computeIou(gt, prediction)).toBe(4 / 12);
    expect(computeIou(gt, gt)).toBe(1);
  });

  it('leaves ignored pixels out of both counts', () => {
    const ignore = maskFromRows(['.......#', '#.......']);
    // Intersection 4 (columns 2-3), union: 12 minus the ignored (0,1) object pixel = 11; (7,0) was in neither.
    expect(computeIou(gt, prediction, ignore)).toBe(4 / 11);
  });

  it('is NaN when the union is empty, like the official numpy division', () => {
    expect(computeIou(createBinaryMask(3, 3), createBinaryMask(3, 3))).toBeNaN();
  });

  it('rejects a prediction of another size', () => {
    expect(() => computeIou(gt, createBinaryMask(8, 3))).toThrow(expect.objectContaining({ code: 'INVALID_MASK' }));
  });
});
