import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import { ObjectState } from './object-state';

describe('ObjectState', () => {
  it('starts empty: no ROI, no region, zero everywhere', () => {
    const state = ObjectState.empty(8, 6);
    expect(state.isEmpty).toBe(true);
    expect(state.roi).toBeNull();
    expect(state.foregroundBox(0.5)).toBeNull();
    expect(state.toMask().data.every((v) => v === 0)).toBe(true);
    expect(state.toProbabilityMap().data.length).toBe(48);
    expect(() => ObjectState.empty(0, 3)).toThrow(InvalidArgumentError);
  });

  it('keeps a prediction as its ROI crop and expands it into zeros', () => {
    const roi = { rowMin: 1, rowMax: 2, colMin: 3, colMax: 5 };
    const crop = new Float32Array([0.1, 0.5, 0.9, 0.49, Math.fround(0.49), 0.4901]);
    const state = ObjectState.fromPrediction(8, 4, roi, crop);
    expect(Object.isFrozen(state)).toBe(true);
    expect(state.roi).toEqual(roi);
    expect(state.probabilityAt(4, 1)).toBe(Math.fround(0.5));
    expect(state.probabilityAt(0, 0)).toBe(0);
    const full = state.toProbabilityMap();
    expect(full.data[1 * 8 + 5]).toBe(Math.fround(0.9));
    expect(full.data.filter((v) => v !== 0).length).toBe(6);
    // float32 comparison: the float32 value of 0.49 is not above float32(0.49), 0.4901 is.
    const mask = state.toMask();
    expect(Array.from(mask.data.subarray(8, 16))).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(mask.data.subarray(16, 24))).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
    expect(state.toMask(0.05).data.reduce((a, b) => a + b, 0)).toBe(6);
    expect(state.foregroundBox(0.5)).toEqual({ rowMin: 1, rowMax: 1, colMin: 5, colMax: 5 });
    expect(state.foregroundBox(0.45)).toEqual({ rowMin: 1, rowMax: 2, colMin: 3, colMax: 5 });
  });

  it('imports a probability map or a mask as previous probabilities without an ROI', () => {
    const data = new Float32Array(20);
    data[7] = 0.75;
    data[13] = 1;
    const state = ObjectState.fromProbabilities({ width: 5, height: 4, data });
    expect(state.roi).toBeNull();
    expect(state.probabilityRegion).toEqual({ rowMin: 1, rowMax: 2, colMin: 2, colMax: 3 });
    expect(state.toProbabilityMap().data).toEqual(data);
    data[7] = 0; // the state copied what it keeps
    expect(state.probabilityAt(2, 1)).toBe(0.75);

    const mask = new Uint8Array(20);
    mask[19] = 1;
    const fromMask = ObjectState.fromMask({ width: 5, height: 4, data: mask });
    expect(fromMask.probabilityRegion).toEqual({ rowMin: 3, rowMax: 3, colMin: 4, colMax: 4 });
    expect(fromMask.probabilityAt(4, 3)).toBe(1);
    expect(ObjectState.fromMask({ width: 5, height: 4, data: new Uint8Array(20) }).isEmpty).toBe(true);
  });

  it('rejects bad imports', () => {
    expect(() => ObjectState.fromProbabilities({ width: 2, height: 2, data: new Float32Array([0, 1.5, 0, 0]) })).toThrow(
      InvalidMaskError,
    );
    expect(() => ObjectState.fromProbabilities({ width: 2, height: 2, data: new Float32Array([0, Number.NaN, 0, 0]) })).toThrow(
      InvalidMaskError,
    );
    expect(() => ObjectState.fromMask({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(InvalidMaskError);
  });

  it('gives the probabilities of any ROI as a window, copying only when the ROI leaves the region', () => {
    const roi = { rowMin: 2, rowMax: 4, colMin: 2, colMax: 5 };
    const crop = new Float32Array(12).map((_, i) => (i + 1) / 12);
    const state = ObjectState.fromPrediction(10, 10, roi, crop);
    const buffer = new Float32Array(100);
    const scratch = () => buffer;
    const inside = state.roiWindow({ rowMin: 3, rowMax: 4, colMin: 3, colMax: 5 }, scratch)!;
    expect(inside.data).toBe(crop);
    expect(inside.data[inside.offset]).toBe(crop[1 * 4 + 1]);
    const outside = state.roiWindow({ rowMin: 0, rowMax: 3, colMin: 4, colMax: 7 }, scratch)!;
    expect(outside.data).toBe(buffer);
    const full = state.toProbabilityMap().data;
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 4; col++) {
        expect(outside.data[row * outside.rowStride + col]).toBe(full[row * 10 + col + 4]);
      }
    }
    expect(ObjectState.empty(10, 10).roiWindow(roi, scratch)).toBeNull();
  });
});

describe('LazyProbabilityMap', () => {
  it('builds the full map on first read, and survives spreading', async () => {
    const { LazyProbabilityMap } = await import('./prediction-result');
    const state = ObjectState.fromPrediction(4, 3, { rowMin: 1, rowMax: 1, colMin: 1, colMax: 2 }, new Float32Array([0.25, 0.75]));
    const map = new LazyProbabilityMap(state);
    expect(map.width).toBe(4);
    const copy = { ...map };
    expect(Array.from(copy.data)).toEqual([0, 0, 0, 0, 0, 0.25, 0.75, 0, 0, 0, 0, 0]);
    expect(map.data).toBe(map.data);
  });
});
