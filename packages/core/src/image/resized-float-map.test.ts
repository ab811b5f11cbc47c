import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { seededRandom } from '../test-support/seeded-random';
import type { FloatMap } from './float-map';
import { planeWindow, resizeFloatMap } from './resize-bilinear';
import { ResizedFloatMap } from './resized-float-map';

// Every on-demand result is compared with the materialised map of the existing resize (resizeFloatMap with
// PyTorch's channels-last kernel, itself checked against PyTorch in resize-bilinear.test.ts), bit for bit.

/** Indices where two arrays differ in any bit (NaN-safe), for a readable failure. */
function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>): number[] {
  expect(actual.length).toBe(expected.length);
  const bad: number[] = [];
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) bad.push(i);
  return bad;
}

function randomMap(random: () => number, width: number, height: number, value: () => number = random): FloatMap {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = value();
  return { width, height, data };
}

function materialise(source: FloatMap, width: number, height: number, alignCorners = true): FloatMap {
  return resizeFloatMap(source, width, height, { alignCorners, torchKernel: 'channels-last' });
}

/** The next float32 above (steps > 0) or below a float32 value. */
function float32Step(value: number, steps: number): number {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  return new Float32Array(new Uint32Array([bits + steps]).buffer)[0];
}

/** Maps whose values sit on and around `threshold`, where a cell test with a wrong margin would fail. */
function nearThresholdMap(random: () => number, width: number, height: number, threshold: number): FloatMap {
  const limit = Math.fround(threshold);
  return randomMap(random, width, height, () => {
    const pick = random();
    if (pick < 0.25) return limit;
    if (pick < 0.6) return float32Step(limit, Math.floor(random() * 9) - 4);
    if (pick < 0.8) return limit + (random() - 0.5) * 4e-6;
    return random();
  });
}

/** Spans of a materialised map above `threshold`, as `y:start-end` strings. */
function plainSpans(map: FloatMap, threshold: number): string[] {
  const limit = Math.fround(threshold);
  const spans: string[] = [];
  for (let y = 0; y < map.height; y++) {
    let start = -1;
    for (let x = 0; x <= map.width; x++) {
      const above = x < map.width && map.data[y * map.width + x] > limit;
      if (above && start < 0) start = x;
      if (!above && start >= 0) {
        spans.push(`${y}:${start}-${x}`);
        start = -1;
      }
    }
  }
  return spans;
}

function resizedSpans(map: ResizedFloatMap, threshold: number): string[] {
  const spans: string[] = [];
  map.forEachSpanAbove(threshold, (y, start, end) => spans.push(`${y}:${start}-${end}`));
  return spans;
}

function plainBox(map: FloatMap, threshold: number) {
  const limit = Math.fround(threshold);
  let box: { rowMin: number; rowMax: number; colMin: number; colMax: number } | null = null;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      if (!(map.data[y * map.width + x] > limit)) continue;
      if (box === null) box = { rowMin: y, rowMax: y, colMin: x, colMax: x };
      box.rowMax = y;
      box.colMin = Math.min(box.colMin, x);
      box.colMax = Math.max(box.colMax, x);
    }
  }
  return box;
}

// Source size x target size: upsampling (the predictor's case), downsampling, equal sizes, one-pixel targets.
const SIZES: Array<[number, number, number, number]> = [
  [16, 16, 70, 45],
  [16, 12, 16, 12],
  [9, 14, 5, 30],
  [32, 32, 200, 120],
  [7, 7, 1, 1],
  [1, 1, 6, 4],
  [12, 9, 13, 40],
];

describe('ResizedFloatMap gives the values of the materialised channels-last resize', () => {
  for (const [sourceWidth, sourceHeight, width, height] of SIZES) {
    for (const alignCorners of [true, false]) {
      it(`${sourceWidth}x${sourceHeight} -> ${width}x${height}, align_corners=${alignCorners}`, () => {
        const random = seededRandom(sourceWidth * 1000 + width + (alignCorners ? 1 : 0));
        const source = randomMap(random, sourceWidth, sourceHeight);
        const expected = materialise(source, width, height, alignCorners);
        const map = new ResizedFloatMap(source, width, height, alignCorners);
        expect(mismatches(map.toFloatMap().data, expected.data)).toEqual([]);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            expect(Object.is(map.valueAt(x, y), expected.data[y * width + x])).toBe(true);
          }
        }
        // A grid of rows x columns in any order, written into a window of a larger buffer.
        const rows = Int32Array.from({ length: 7 }, () => Math.floor(random() * height));
        const cols = Int32Array.from({ length: 5 }, () => Math.floor(random() * width));
        const buffer = new Float32Array(3 + 7 * 9).fill(-1);
        map.sampleGrid(rows, cols, { data: buffer, offset: 3, rowStride: 9, width: 5, height: 7 });
        for (let i = 0; i < 7; i++) {
          for (let j = 0; j < 5; j++) {
            expect(Object.is(buffer[3 + i * 9 + j], expected.data[rows[i] * width + cols[j]])).toBe(true);
          }
          expect(Array.from(buffer.subarray(3 + i * 9 + 5, 3 + i * 9 + 9))).toEqual([-1, -1, -1, -1]); // outside the window
        }
        expect(buffer[0]).toBe(-1);
      });
    }
  }

  it('writes into a window of a larger map, leaving the rest', () => {
    const random = seededRandom(5);
    const source = randomMap(random, 8, 6);
    const map = new ResizedFloatMap(source, 20, 11);
    const full = new Float32Array(30 * 15).fill(7);
    map.writeTo({ data: full, offset: 2 * 30 + 4, rowStride: 30, width: 20, height: 11 });
    const expected = materialise(source, 20, 11);
    for (let y = 0; y < 15; y++) {
      for (let x = 0; x < 30; x++) {
        const inside = y >= 2 && y < 13 && x >= 4 && x < 24;
        expect(full[y * 30 + x]).toBe(inside ? expected.data[(y - 2) * 20 + (x - 4)] : 7);
      }
    }
  });

  it('rejects bad sizes, windows and indices', () => {
    const source = { width: 4, height: 4, data: new Float32Array(16) };
    expect(() => new ResizedFloatMap(source, 0, 3)).toThrow(InvalidArgumentError);
    expect(() => new ResizedFloatMap({ width: 4, height: 4, data: new Float32Array(15) }, 3, 3)).toThrow(
      InvalidArgumentError,
    );
    const map = new ResizedFloatMap(source, 10, 10);
    expect(() => map.writeTo(planeWindow(new Float32Array(100), 10, 9))).toThrow(InvalidArgumentError);
    expect(() => map.sampleGrid(Int32Array.of(10), Int32Array.of(0), planeWindow(new Float32Array(1), 1, 1))).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('ResizedFloatMap thresholds cell by cell exactly as plain thresholding', () => {
  const thresholds = [0.49, 0.5, 0.3];
  for (const [sourceWidth, sourceHeight, width, height] of SIZES) {
    for (const threshold of thresholds) {
      it(`${sourceWidth}x${sourceHeight} -> ${width}x${height}, values at and around ${threshold}`, () => {
        const random = seededRandom(sourceHeight * 7919 + width * 31 + Math.round(threshold * 100));
        for (let trial = 0; trial < 6; trial++) {
          const source =
            trial % 2 === 0
              ? nearThresholdMap(random, sourceWidth, sourceHeight, threshold)
              : randomMap(random, sourceWidth, sourceHeight);
          const map = new ResizedFloatMap(source, width, height, trial < 4);
          const expected = materialise(source, width, height, trial < 4);
          expect(resizedSpans(map, threshold)).toEqual(plainSpans(expected, threshold));
          expect(map.boxAbove(threshold)).toEqual(plainBox(expected, threshold));
        }
      });
    }
  }

  it('decides pixels that are above the threshold by one float32 step, and pixels equal to it, exactly', () => {
    // Upsampling a map that holds the threshold and its neighbours: many interpolated values land on them.
    const limit = Math.fround(0.49);
    const values = [limit, float32Step(limit, 1), float32Step(limit, -1), limit, float32Step(limit, 2), limit];
    const source = { width: 3, height: 2, data: Float32Array.from(values) };
    for (const [width, height] of [
      [3, 2],
      [5, 3],
      [301, 97],
    ]) {
      const map = new ResizedFloatMap(source, width, height);
      const expected = materialise(source, width, height);
      expect(resizedSpans(map, 0.49)).toEqual(plainSpans(expected, 0.49));
      expect(plainSpans(expected, 0.49).length).toBeGreaterThan(0);
    }
  });

  it('handles values outside [0, 1], NaN and infinities as the plain comparison does', () => {
    const random = seededRandom(11);
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -3, 250, -1e-30, 1e30];
    const source = randomMap(random, 10, 9, () =>
      random() < 0.3 ? special[Math.floor(random() * special.length)] : random() * 4 - 2,
    );
    for (const threshold of [0.49, -1, 100]) {
      const map = new ResizedFloatMap(source, 37, 23);
      const expected = materialise(source, 37, 23);
      expect(resizedSpans(map, threshold)).toEqual(plainSpans(expected, threshold));
      expect(map.boxAbove(threshold)).toEqual(plainBox(expected, threshold));
    }
  });

  it('finds the box of a blob, of nothing, and of everything', () => {
    const source = { width: 12, height: 10, data: new Float32Array(120) };
    for (let y = 3; y < 6; y++) for (let x = 4; x < 9; x++) source.data[y * 12 + x] = 0.95;
    const map = new ResizedFloatMap(source, 120, 77);
    const expected = materialise(source, 120, 77);
    expect(map.boxAbove(0.5)).toEqual(plainBox(expected, 0.5));
    expect(map.boxAbove(0.5)).not.toBeNull();
    expect(map.boxAbove(0.99)).toBeNull();
    expect(map.boxAbove(-1)).toEqual({ rowMin: 0, rowMax: 76, colMin: 0, colMax: 119 });
    expect(resizedSpans(map, -1)).toEqual(Array.from({ length: 77 }, (_, y) => `${y}:0-120`));
  });
});
