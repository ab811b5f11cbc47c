import { describe, expect, it } from 'vitest';
import { InvalidFormatError, InvalidMaskError } from '../errors';
import {
  cocoCountsToString,
  cocoRleArea,
  cocoRleBbox,
  cocoStringToCounts,
  decodeCocoRle,
  encodeCocoRle,
  encodeCocoRleCounts,
  encodeUncompressedCocoRle,
} from './coco-rle';
import vectors from './__fixtures__/coco-rle-vectors.json';
import type { FixtureMaskDescription } from '../test-support/test-masks';
import { firstDifference, fixtureMask, maskFromRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

describe('COCO RLE against cocoapi maskApi.c (generated vectors)', () => {
  for (const vector of vectors.masks) {
    it(`${vector.name}: counts, string, area, bbox, decode`, () => {
      const mask = fixtureMask(vector as FixtureMaskDescription);
      expect(encodeCocoRleCounts(mask)).toEqual(vector.counts);
      const rle = encodeCocoRle(mask);
      expect(rle).toEqual({ size: [vector.height, vector.width], counts: vector.string });
      expect(cocoStringToCounts(vector.string)).toEqual(vector.counts);
      expect(cocoRleArea(rle)).toBe(vector.area);
      expect(cocoRleBbox(rle)).toEqual(vector.bbox);
      expect(firstDifference(decodeCocoRle(rle).data, mask.data)).toBe(-1);
      expect(firstDifference(decodeCocoRle(encodeUncompressedCocoRle(mask)).data, mask.data)).toBe(-1);
    });
  }

  it('decodes the published zero-leading string like the C code (bbox, area, re-encoding)', () => {
    const vector = vectors.strings.find((s) => s.name === 'cocoapi-test-zero-leading');
    if (!vector || !('reencoded' in vector)) throw new Error('fixture missing');
    const rle = { size: vector.size as [number, number], counts: vector.string };
    expect(cocoStringToCounts(vector.string)).toEqual(vector.counts);
    expect(cocoRleArea(rle)).toBe(vector.area);
    expect(cocoRleBbox(rle)).toEqual(vector.bbox);
    const mask = decodeCocoRle(rle);
    expect(encodeCocoRle(mask).counts).toBe(vector.reencoded);
    expect(cocoRleBbox(encodeCocoRle(mask))).toEqual(vector.bbox); // the published assertion: bboxes agree
  });

  it('rejects strings whose runs do not cover the mask (the C decoder fails, or leaves pixels undefined)', () => {
    for (const vector of vectors.strings.filter((s) => s.name !== 'cocoapi-test-zero-leading')) {
      const rle = { size: vector.size as [number, number], counts: vector.string };
      expect(() => decodeCocoRle(rle), vector.name).toThrow(InvalidFormatError);
    }
  });
});

describe('COCO RLE published vectors', () => {
  it('matches strings published in pycocotools-compatibility tests (25 x 25 squares, 4 x 4 counts)', () => {
    // pytorchcocotools tests (checked there against pycocotools): mask[a:b, a:b] = 1 in a 25 x 25 image.
    const square = (from: number, to: number) => {
      const data = new Uint8Array(25 * 25);
      for (let y = from; y < to; y++) data.fill(1, y * 25 + from, y * 25 + to);
      return { width: 25, height: 25, data };
    };
    expect(encodeCocoRle(square(0, 5)).counts).toBe('05d00000000d?');
    expect(encodeCocoRle(square(5, 10)).counts).toBe('R45d00000000b;');
    expect(encodeCocoRle(square(20, 25)).counts).toBe('X`05d00000000');
    // rpycocotools tests: counts [5, 2, 2, 2, 5] <-> "52203" for a 4 x 4 mask.
    expect(cocoCountsToString([5, 2, 2, 2, 5])).toBe('52203');
    expect(cocoStringToCounts('52203')).toEqual([5, 2, 2, 2, 5]);
  });

  it('matches the bboxes of cocoapi tests/test_cases.py', () => {
    expect(cocoRleBbox(encodeCocoRle(maskFromRows(['01', '11'])))).toEqual([0, 0, 2, 2]);
    const data = new Uint8Array(100);
    for (let y = 2; y < 4; y++) data.fill(1, y * 10 + 3, y * 10 + 6);
    expect(cocoRleBbox(encodeCocoRle({ width: 10, height: 10, data }))).toEqual([3, 2, 3, 2]);
  });
});

describe('COCO RLE hand-checked and round trips', () => {
  it('walks columns first and starts with a zero run', () => {
    // Columns: [1,0,0], [1,1,0] -> column-major 1 0 0 1 1 0 -> counts [0, 1, 2, 2, 1].
    const mask = maskFromRows(['11', '01', '00']);
    expect(encodeCocoRleCounts(mask)).toEqual([0, 1, 2, 2, 1]);
    expect(encodeUncompressedCocoRle(mask)).toEqual({ size: [3, 2], counts: [0, 1, 2, 2, 1] });
    expect(cocoRleBbox({ size: [3, 2], counts: [0, 1, 2, 2, 1] })).toEqual([0, 0, 2, 2]);
    expect(cocoRleBbox({ size: [3, 2], counts: [6] })).toEqual([0, 0, 0, 0]);
  });

  it('round-trips random masks, including large counts and negative deltas', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 40; trial++) {
      const width = 1 + Math.floor(random() * 300);
      const height = 1 + Math.floor(random() * 200);
      const mask = randomMask(random, width, height, random(), trial % 2 === 0);
      const rle = encodeCocoRle(mask);
      expect(firstDifference(decodeCocoRle(rle).data, mask.data)).toBe(-1);
      expect(cocoStringToCounts(rle.counts)).toEqual(encodeCocoRleCounts(mask));
      let area = 0;
      for (const v of mask.data) area += v;
      expect(cocoRleArea(rle)).toBe(area);
    }
    const huge = [0, 2 ** 32 - 1, 7, 2 ** 31, 0, 123456789];
    expect(cocoStringToCounts(cocoCountsToString(huge))).toEqual(huge);
  });

  it('rejects malformed input with InvalidFormatError', () => {
    const bad: [string, unknown][] = [
      ['character below 0', { size: [2, 2], counts: '0/' }],
      ['character above o', { size: [2, 2], counts: '0p' }],
      ['number cut off', { size: [2, 2], counts: '0h' }],
      ['wrong total', { size: [2, 2], counts: [1, 2] }],
      ['negative count', { size: [2, 2], counts: [5, -1] }],
      ['fractional count', { size: [2, 2], counts: [1.5, 2.5] }],
      ['bad size', { size: [2], counts: [2] }],
      ['negative size', { size: [-1, 2], counts: [0] }],
      ['counts of wrong type', { size: [2, 2], counts: 4 }],
      ['delta below zero', { size: [2, 2], counts: '113N' }],
      ['too many characters', { size: [2, 2], counts: 'ooooooo0' }],
    ];
    for (const [name, rle] of bad) {
      expect(() => decodeCocoRle(rle as never), name).toThrow(InvalidFormatError);
    }
    expect(() => cocoCountsToString([1, -2])).toThrow(InvalidFormatError);
    expect(() => encodeCocoRle({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(InvalidMaskError);
  });
});
