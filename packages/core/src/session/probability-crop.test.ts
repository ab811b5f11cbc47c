import { describe, expect, it } from 'vitest';
import { ResizedFloatMap } from '../image/resized-float-map';
import {
  cropNonZero,
  cropSharedFromState,
  cropValueCount,
  expandCrop,
  forEachRunAbove,
  thresholdCrop,
  type ProbabilityCrop,
} from './probability-crop';

describe('probability crop', () => {
  it('keeps exactly the bounding box of the non-zero values and expands back losslessly', () => {
    const width = 7;
    const height = 5;
    const data = new Float32Array(width * height);
    data[1 * width + 2] = 0.25;
    data[3 * width + 5] = 0.75;
    data[2 * width + 3] = 1e-30;
    const crop = cropNonZero({ width, height, data });
    expect(crop?.roi).toEqual({ rowMin: 1, rowMax: 3, colMin: 2, colMax: 5 });
    expect(crop?.data.length).toBe(3 * 4);
    expect(Array.from(expandCrop(crop, width, height).data)).toEqual(Array.from(data));
  });

  it('stores nothing for an all-zero map', () => {
    expect(cropNonZero({ width: 3, height: 2, data: new Float32Array(6) })).toBeUndefined();
    expect(Array.from(expandCrop(undefined, 3, 2).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('thresholds in float32: a float32 0.49 is not above float32(0.49), the next float32 is', () => {
    const width = 3;
    const data = new Float32Array([0.49, 0.5, 0]);
    data[2] = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([0.49]).buffer)[0] + 1]).buffer)[0];
    const mask = thresholdCrop(cropNonZero({ width, height: 1, data }), width, 1, 0.49);
    expect(Array.from(mask.data)).toEqual([0, 1, 1]);
  });
});

describe('resized probability crop', () => {
  it('expands, thresholds and runs exactly like a dense crop of its values, holding only the source', () => {
    const width = 40;
    const height = 30;
    const roi = { rowMin: 3, rowMax: 27, colMin: 5, colMax: 38 };
    const source = { width: 6, height: 5, data: new Float32Array(30).map((_, i) => ((i * 37) % 30) / 29) };
    source.data[7] = Math.fround(0.49);
    const resized = new ResizedFloatMap(source, roi.colMax - roi.colMin + 1, roi.rowMax - roi.rowMin + 1);
    const lazy: ProbabilityCrop = { roi, resized };
    const dense: ProbabilityCrop = { roi, data: resized.toFloatMap().data };
    expect(Array.from(expandCrop(lazy, width, height).data)).toEqual(Array.from(expandCrop(dense, width, height).data));
    for (const threshold of [0.49, 0.2, 0.9]) {
      expect(Array.from(thresholdCrop(lazy, width, height, threshold).data)).toEqual(
        Array.from(thresholdCrop(dense, width, height, threshold).data),
      );
      const runs = (crop: ProbabilityCrop) => {
        const found: number[][] = [];
        forEachRunAbove(crop, width, threshold, (start, end) => found.push([start, end]));
        return found;
      };
      expect(runs(lazy)).toEqual(runs(dense));
      expect(runs(lazy).length).toBeGreaterThan(0);
    }
    expect(cropValueCount(lazy)).toBe(30);
    expect(cropValueCount(dense)).toBe(34 * 25);
  });

  it('is shared from a state that keeps a resized region, without reading its values', () => {
    const resized = new ResizedFloatMap({ width: 2, height: 2, data: new Float32Array([0, 1, 1, 0]) }, 4, 3);
    const state = {
      imageWidthPx: 10,
      imageHeightPx: 8,
      probabilityRegion: { rowMin: 2, rowMax: 4, colMin: 1, colMax: 4 },
      resizedRegionProbabilities: resized,
      get regionProbabilities(): Float32Array {
        throw new Error('the values must not be built');
      },
    };
    expect(cropSharedFromState(state, 10, 8)).toEqual({ crop: { roi: state.probabilityRegion, resized } });
    // A resized map of the wrong size is not trusted: the session falls back to the values.
    const wrongSize = {
      imageWidthPx: 10,
      imageHeightPx: 8,
      probabilityRegion: { rowMin: 2, rowMax: 5, colMin: 1, colMax: 4 },
      resizedRegionProbabilities: resized,
      regionProbabilities: null,
    };
    expect(cropSharedFromState(wrongSize, 10, 8)).toBeUndefined();
  });
});
