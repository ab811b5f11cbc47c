import { describe, expect, it } from 'vitest';
import { OFFICIAL_IOU_THRESHOLDS, meanIouPerClick, numberOfClicks, officialIouThresholds, summarizeNoc } from './noc';

describe('official IoU thresholds', () => {
  it('are numpy.arange(0.8, min(0.95, target) + 0.001, 0.05).tolist(), digit for digit', () => {
    // Values printed by numpy 1.x for the targets below.
    expect(OFFICIAL_IOU_THRESHOLDS).toEqual([0.8, 0.8500000000000001, 0.9000000000000001]);
    expect(officialIouThresholds(0.85)).toEqual([0.8, 0.8500000000000001]);
    expect(officialIouThresholds(0.8)).toEqual([0.8]);
    expect(officialIouThresholds(1.01)).toEqual([0.8, 0.8500000000000001, 0.9000000000000001, 0.9500000000000002]);
    expect(String(OFFICIAL_IOU_THRESHOLDS[2])).toBe('0.9000000000000001');
  });
});

describe('numberOfClicks', () => {
  it('is the 1-based index of the first click reaching the threshold, else maxClicks', () => {
    expect(numberOfClicks([0.5, 0.81, 0.86, 0.91], 0.8)).toBe(2);
    expect(numberOfClicks([0.5, 0.81, 0.86, 0.91], OFFICIAL_IOU_THRESHOLDS[1])).toBe(3);
    expect(numberOfClicks([0.5, 0.81, 0.86, 0.91], OFFICIAL_IOU_THRESHOLDS[2])).toBe(4);
    expect(numberOfClicks([0.5, 0.6], 0.8)).toBe(20);
    expect(numberOfClicks([0.5, 0.6], 0.8, 7)).toBe(7);
    expect(numberOfClicks([Number.NaN, 0.95], 0.8)).toBe(2);
  });

  it('compares in float32: an IoU just below 0.9 in float64 that rounds to float32(0.9) counts', () => {
    // float32(0.9000000000000001) = float32(0.9) = 0.8999999761581421.
    const justBelow = 0.89999997; // < 0.9 in float64, rounds to 0.8999999761581421
    expect(justBelow < 0.9).toBe(true);
    expect(Math.fround(justBelow)).toBe(Math.fround(0.9));
    expect(numberOfClicks([justBelow], OFFICIAL_IOU_THRESHOLDS[2])).toBe(1);
    // One float32 step lower does not.
    const oneStepLower = 0.8999999;
    expect(Math.fround(oneStepLower)).toBeLessThan(Math.fround(0.9));
    expect(numberOfClicks([oneStepLower], OFFICIAL_IOU_THRESHOLDS[2])).toBe(20);
  });

  it('treats 0.85 exactly as reaching the 0.8500000000000001 threshold (both are float32 0.85)', () => {
    expect(0.85 < OFFICIAL_IOU_THRESHOLDS[1]).toBe(true); // a float64 comparison would say "not reached"
    expect(numberOfClicks([0.85], OFFICIAL_IOU_THRESHOLDS[1])).toBe(1);
    expect(numberOfClicks([0.8499999], OFFICIAL_IOU_THRESHOLDS[1])).toBe(20);
  });
});

describe('summarizeNoc', () => {
  it('gives mean, population std and NoF per threshold, counting a first hit at the last click as a failure', () => {
    const reachesAtClick20 = [...new Array(19).fill(0.5), 0.95];
    const allIous = [
      [0.82, 0.9], // NoC 1, 2, 2
      [0.7, 0.86, 0.88, 0.91], // NoC 2, 2, 4
      reachesAtClick20, // NoC 20, 20, 20 (reached exactly at 20: counted in NoF like the official code)
      new Array(20).fill(0.84), // NoC 1, 20, 20
    ];
    const summary = summarizeNoc(allIous);
    expect(summary.iouThresholds).toEqual(OFFICIAL_IOU_THRESHOLDS);
    expect(summary.nocMean).toEqual([(1 + 2 + 20 + 1) / 4, (2 + 2 + 20 + 20) / 4, (2 + 4 + 20 + 20) / 4]);
    expect(summary.nof).toEqual([1, 2, 2]);
    const nocs80 = [1, 2, 20, 1];
    const mean80 = 6;
    const std80 = Math.sqrt(nocs80.reduce((sum, noc) => sum + (noc - mean80) ** 2, 0) / 4);
    expect(summary.nocStd[0]).toBeCloseTo(std80, 12);
  });

  it('rejects an empty set of objects', () => {
    expect(() => summarizeNoc([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('meanIouPerClick', () => {
  it('averages float32-rounded IoUs per click and cuts to the shortest run', () => {
    const curve = meanIouPerClick([
      [0.5, 0.7, 0.9],
      [0.3, 0.9],
    ]);
    expect(curve).toHaveLength(2);
    expect(curve[0]).toBe((Math.fround(0.5) + Math.fround(0.3)) / 2);
    expect(curve[1]).toBe((Math.fround(0.7) + Math.fround(0.9)) / 2);
  });
});
