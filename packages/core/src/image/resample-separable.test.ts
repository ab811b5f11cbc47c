import { describe, expect, it } from 'vitest';
import type { Roi } from './roi';
import { composeAxisTaps } from './composed-axis-taps';
import { resampleSeparable, SeparableScratch } from './resample-separable';
import { computeLinearAxisWeights, planeWindow, resizeBilinearWindow } from './resize-bilinear';
import { resizeRgbRegionToPlanar } from './resize-rgb-region';
import { resizeRgbRegionToPlanarFast } from './resize-rgb-region-fast';
import { ResizedFloatMap } from './resized-float-map';

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The exact two-step reference: `inner` (region-size values, zero outside `region` on a `width` x `height`
 * image) cropped to `roi` and resized to `size` x `size` with the generic kernel.
 */
function twoStep(valueAt: (row: number, col: number) => number, region: Roi, roi: Roi, size: number): Float32Array {
  const roiWidth = roi.colMax - roi.colMin + 1;
  const roiHeight = roi.rowMax - roi.rowMin + 1;
  const crop = new Float32Array(roiWidth * roiHeight);
  for (let y = 0; y < roiHeight; y++) {
    for (let x = 0; x < roiWidth; x++) {
      const row = roi.rowMin + y;
      const col = roi.colMin + x;
      const inside = row >= region.rowMin && row <= region.rowMax && col >= region.colMin && col <= region.colMax;
      crop[y * roiWidth + x] = inside ? valueAt(row - region.rowMin, col - region.colMin) : 0;
    }
  }
  const out = new Float32Array(size * size);
  resizeBilinearWindow(planeWindow(crop, roiWidth, roiHeight), planeWindow(out, size, size), true, 'generic');
  return out;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('resampleSeparable with composed taps', () => {
  const cases: { name: string; region: Roi; roi: Roi; netSize: number; size: number }[] = [
    {
      name: 'same ROI, upsampled state',
      region: { rowMin: 10, rowMax: 109, colMin: 20, colMax: 149 },
      roi: { rowMin: 10, rowMax: 109, colMin: 20, colMax: 149 },
      netSize: 32,
      size: 32,
    },
    {
      name: 'new ROI around the region',
      region: { rowMin: 30, rowMax: 89, colMin: 40, colMax: 119 },
      roi: { rowMin: 0, rowMax: 139, colMin: 5, colMax: 179 },
      netSize: 32,
      size: 24,
    },
    {
      name: 'new ROI inside the region',
      region: { rowMin: 0, rowMax: 199, colMin: 0, colMax: 249 },
      roi: { rowMin: 50, rowMax: 120, colMin: 60, colMax: 140 },
      netSize: 40,
      size: 32,
    },
    {
      name: 'region smaller than the network (downsampled state)',
      region: { rowMin: 5, rowMax: 24, colMin: 7, colMax: 21 },
      roi: { rowMin: 0, rowMax: 40, colMin: 0, colMax: 30 },
      netSize: 32,
      size: 32,
    },
  ];
  for (const { name, region, roi, netSize, size } of cases) {
    it(`equals resize-then-crop-then-resize within float32 noise: ${name}`, () => {
      const next = random(7);
      const net = new Float32Array(netSize * netSize).map(() => next());
      const regionWidth = region.colMax - region.colMin + 1;
      const regionHeight = region.rowMax - region.rowMin + 1;
      const resized = new ResizedFloatMap({ width: netSize, height: netSize, data: net }, regionWidth, regionHeight);
      const expected = twoStep((row, col) => resized.valueAt(col, row), region, roi, size);
      const { rows: innerRows, cols: innerCols } = resized.axisTables();
      const rowTaps = composeAxisTaps(
        computeLinearAxisWeights(roi.rowMax - roi.rowMin + 1, size, true),
        roi.rowMin - region.rowMin,
        regionHeight,
        innerRows,
      );
      const colTaps = composeAxisTaps(
        computeLinearAxisWeights(roi.colMax - roi.colMin + 1, size, true),
        roi.colMin - region.colMin,
        regionWidth,
        innerCols,
      );
      const out = new Float32Array(size * size);
      resampleSeparable(
        planeWindow(net, netSize, netSize),
        rowTaps,
        colTaps,
        planeWindow(out, size, size),
        new SeparableScratch(),
      );
      expect(maxDifference(out, expected)).toBeLessThan(1e-6);

      // The same region kept as values (identity inner axis): 2 taps per output.
      const values = resized.toFloatMap().data;
      const valueRows = composeAxisTaps(
        computeLinearAxisWeights(roi.rowMax - roi.rowMin + 1, size, true),
        roi.rowMin - region.rowMin,
        regionHeight,
        null,
      );
      const valueCols = composeAxisTaps(
        computeLinearAxisWeights(roi.colMax - roi.colMin + 1, size, true),
        roi.colMin - region.colMin,
        regionWidth,
        null,
      );
      expect(valueRows.tapCount).toBeLessThanOrEqual(2);
      const fromValues = new Float32Array(size * size);
      resampleSeparable(
        planeWindow(values, regionWidth, regionHeight),
        valueRows,
        valueCols,
        planeWindow(fromValues, size, size),
      );
      expect(maxDifference(fromValues, expected)).toBeLessThan(1e-6);
    });
  }
});

describe('resizeRgbRegionToPlanarFast', () => {
  it('equals the exact kernel within float32 noise, downsampling and upsampling', () => {
    const next = random(3);
    const image = { width: 300, height: 200, data: new Uint8Array(300 * 200 * 3).map(() => Math.floor(256 * next())) };
    for (const [region, size] of [
      [{ rowMin: 0, rowMax: 199, colMin: 0, colMax: 299 }, 64],
      [{ rowMin: 20, rowMax: 60, colMin: 100, colMax: 130 }, 64],
    ] as const) {
      const exact = new Float32Array(3 * size * size);
      const fast = new Float32Array(3 * size * size);
      resizeRgbRegionToPlanar(image, region, exact, 0, size, size);
      const rows = computeLinearAxisWeights(region.rowMax - region.rowMin + 1, size, true);
      const cols = computeLinearAxisWeights(region.colMax - region.colMin + 1, size, true);
      resizeRgbRegionToPlanarFast(image, region, fast, 0, size, size, rows, cols);
      expect(maxDifference(fast, exact)).toBeLessThan(1e-6);
    }
  });
});
