import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import { seededRandom } from '../test-support/seeded-random';
import { cropFloatMap } from '../image/crop';
import type { FloatMap } from '../image/float-map';
import { planeWindow, resizeFloatMap } from '../image/resize-bilinear';
import { resizeBilinearSampled } from '../image/resize-sampled';
import { ObjectState } from './object-state';
import type { Roi } from '../image/roi';

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
    expect(() =>
      ObjectState.fromProbabilities({ width: 2, height: 2, data: new Float32Array([0, 1.5, 0, 0]) }),
    ).toThrow(InvalidMaskError);
    expect(() =>
      ObjectState.fromProbabilities({ width: 2, height: 2, data: new Float32Array([0, Number.NaN, 0, 0]) }),
    ).toThrow(InvalidMaskError);
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
    const state = ObjectState.fromPrediction(
      4,
      3,
      { rowMin: 1, rowMax: 1, colMin: 1, colMax: 2 },
      new Float32Array([0.25, 0.75]),
    );
    const map = new LazyProbabilityMap(state);
    expect(map.width).toBe(4);
    const copy = { ...map };
    expect(Array.from(copy.data)).toEqual([0, 0, 0, 0, 0, 0.25, 0.75, 0, 0, 0, 0, 0]);
    expect(map.data).toBe(map.data);
  });
});

// States that keep the network's S x S probabilities (large ROIs) against the path they replace: resize the
// S x S map to the ROI (channels-last), paste it into zeros, then threshold, crop and resize (generic) that map.
describe('ObjectState kept at network resolution gives the values of the materialised map', () => {
  const S = 16;
  const WIDTH = 150;
  const HEIGHT = 90;

  function randomNet(random: () => number): FloatMap {
    const data = new Float32Array(S * S);
    for (let i = 0; i < data.length; i++) {
      const pick = random();
      // Values on and around both thresholds (0.49 for the mask, 0.5 for the zoom-in), and anything else.
      data[i] =
        pick < 0.3
          ? Math.fround(0.49) + (random() - 0.5) * 1e-6
          : pick < 0.5
            ? 0.5 + (random() - 0.5) * 1e-6
            : random();
    }
    return { width: S, height: S, data };
  }

  function randomRoi(random: () => number, minSize: number): Roi {
    const width = minSize + Math.floor(random() * (WIDTH - minSize));
    const height = minSize + Math.floor(random() * (HEIGHT - minSize));
    const touch = random();
    // A third touch the image edges (top-left or bottom-right corner), the rest lie anywhere.
    const colMin = touch < 0.15 ? 0 : touch < 0.3 ? WIDTH - width : Math.floor(random() * (WIDTH - width + 1));
    const rowMin = touch < 0.15 ? 0 : touch < 0.3 ? HEIGHT - height : Math.floor(random() * (HEIGHT - height + 1));
    return { rowMin, rowMax: rowMin + height - 1, colMin, colMax: colMin + width - 1 };
  }

  function materialisedMap(net: FloatMap, roi: Roi): FloatMap {
    const roiMap = resizeFloatMap(net, roi.colMax - roi.colMin + 1, roi.rowMax - roi.rowMin + 1, {
      alignCorners: true,
      torchKernel: 'channels-last',
    });
    const data = new Float32Array(WIDTH * HEIGHT);
    for (let y = 0; y < roiMap.height; y++) {
      data.set(roiMap.data.subarray(y * roiMap.width, (y + 1) * roiMap.width), (roi.rowMin + y) * WIDTH + roi.colMin);
    }
    return { width: WIDTH, height: HEIGHT, data };
  }

  function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
    if (actual.length !== expected.length) return false;
    for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) return false;
    return true;
  }

  it('the previous-probability input of the next crop, computed on demand, equals materialise-crop-resize bit for bit', () => {
    const random = seededRandom(2024);
    let outsideRegion = 0;
    let smallerThanS = 0;
    for (let trial = 0; trial < 60; trial++) {
      const net = randomNet(random);
      const oldRoi = randomRoi(random, 2);
      const newRoi = trial % 3 === 0 ? oldRoi : randomRoi(random, 1);
      const state = ObjectState.fromNetProbabilities(WIDTH, HEIGHT, oldRoi, net);
      const full = materialisedMap(net, oldRoi);
      const newWidth = newRoi.colMax - newRoi.colMin + 1;
      const newHeight = newRoi.rowMax - newRoi.rowMin + 1;
      const expected = resizeFloatMap(cropFloatMap(full, newRoi), S, S, { alignCorners: true, torchKernel: 'generic' });
      const actual = new Float32Array(S * S);
      resizeBilinearSampled(
        newWidth,
        newHeight,
        (rows, cols, out) => state.sampleRoi(newRoi, rows, cols, out),
        planeWindow(actual, S, S),
        true,
        'generic',
      );
      expect(
        sameBits(actual, expected.data),
        `trial ${trial}: ROI ${JSON.stringify(oldRoi)} -> ${JSON.stringify(newRoi)}`,
      ).toBe(true);
      if (
        newRoi.colMin < oldRoi.colMin ||
        newRoi.colMax > oldRoi.colMax ||
        newRoi.rowMin < oldRoi.rowMin ||
        newRoi.rowMax > oldRoi.rowMax
      ) {
        outsideRegion++;
      }
      if (newWidth < S || newHeight < S) smallerThanS++;
      // The window the predictor used before, over the same values.
      const window = state.roiWindow(newRoi, (length) => new Float32Array(length))!;
      const crop = cropFloatMap(full, newRoi).data;
      const fromWindow = new Float32Array(newWidth * newHeight);
      for (let y = 0; y < newHeight; y++) {
        for (let x = 0; x < newWidth; x++)
          fromWindow[y * newWidth + x] = window.data[window.offset + y * window.rowStride + x];
      }
      expect(sameBits(fromWindow, crop)).toBe(true);
    }
    // The random cases cover new ROIs reaching outside the old one and ROIs smaller than S.
    expect(outsideRegion).toBeGreaterThan(10);
    expect(smallerThanS).toBeGreaterThan(10);
  });

  it('masks, boxes, single values and the full map equal those of the materialised map', () => {
    const random = seededRandom(77);
    for (let trial = 0; trial < 25; trial++) {
      const net = randomNet(random);
      const roi = randomRoi(random, 1);
      const state = ObjectState.fromNetProbabilities(WIDTH, HEIGHT, roi, net);
      const full = materialisedMap(net, roi);
      expect(Object.isFrozen(state)).toBe(true);
      expect(state.roi).toEqual(roi);
      expect(state.probabilityRegion).toEqual(roi);
      expect(sameBits(state.toProbabilityMap().data, full.data)).toBe(true);
      for (const threshold of [0.49, 0.5, 0.2]) {
        const limit = Math.fround(threshold);
        const expectedMask = Uint8Array.from(full.data, (p) => (p > limit ? 1 : 0));
        expect(Array.from(state.toMask(threshold).data)).toEqual(Array.from(expectedMask));
        const above = ObjectState.fromPrediction(WIDTH, HEIGHT, roi, cropFloatMap(full, roi).data);
        expect(state.foregroundBox(threshold)).toEqual(above.foregroundBox(threshold));
      }
      for (let k = 0; k < 20; k++) {
        const x = Math.floor(random() * WIDTH);
        const y = Math.floor(random() * HEIGHT);
        expect(Object.is(state.probabilityAt(x, y), full.data[y * WIDTH + x])).toBe(true);
      }
      expect(sameBits(state.regionProbabilities!, cropFloatMap(full, roi).data)).toBe(true);
    }
  });

  it('keeps S x S values whatever the ROI size, and rejects an ROI outside the image', () => {
    const net = { width: S, height: S, data: new Float32Array(S * S).fill(0.7) };
    const roi = { rowMin: 0, rowMax: HEIGHT - 1, colMin: 0, colMax: WIDTH - 1 };
    const state = ObjectState.fromNetProbabilities(WIDTH, HEIGHT, roi, net);
    expect(state.resizedRegionProbabilities?.source.data.length).toBe(S * S);
    expect(state.toMask().data.every((v) => v === 1)).toBe(true);
    expect(() => ObjectState.fromNetProbabilities(WIDTH, HEIGHT, { ...roi, colMax: WIDTH }, net)).toThrow(
      InvalidArgumentError,
    );
  });
});
