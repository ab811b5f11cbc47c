import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidFormatError } from '../errors';
import { toCvatInteractorResponse } from './cvat-interactor-response';
import { decodeCvatMaskRle, encodeCvatMaskRle } from './cvat-mask-rle';
import vectors from './__fixtures__/cvat-mask-vectors.json';
import type { FixtureMaskDescription } from '../test-support/test-masks';
import { firstDifference, fixtureMask, maskFromRows, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

describe('CVAT mask RLE against cvat-sdk encode_mask (generated vectors)', () => {
  for (const vector of vectors.masks) {
    it(`${vector.name}: tight, whole-image and fractional boxes`, () => {
      const mask = fixtureMask(vector as FixtureMaskDescription);
      for (const encoding of vector.encodings) {
        const n = encoding.points.length;
        const [colMin, rowMin, colMax, rowMax] = encoding.points.slice(n - 4);
        const box = encoding.box === 'tight' ? undefined : { colMin, rowMin, colMax, rowMax };
        expect(encodeCvatMaskRle(mask, box), encoding.box).toEqual(encoding.points);
        // Decoding the crop gives the mask restricted to the box.
        const decoded = decodeCvatMaskRle(encoding.points, vector.width, vector.height);
        const expected = mask.data.map((v, i) => {
          const x = i % vector.width;
          const y = Math.floor(i / vector.width);
          return x >= colMin && x <= colMax && y >= rowMin && y <= rowMax ? v : 0;
        });
        expect(firstDifference(decoded.data, expected)).toBe(-1);
      }
    });
  }
});

describe('CVAT mask RLE', () => {
  it('hand-checked: starts with a zero run and ends with the inclusive box', () => {
    const mask = maskFromRows(['0000', '0110', '0100']);
    expect(encodeCvatMaskRle(mask)).toEqual([0, 3, 1, 1, 1, 2, 2]); // crop rows [1,1], [1,0]: runs 0, 3, 1
    expect(encodeCvatMaskRle(maskFromRows(['000']))).toBeNull();
    expect(encodeCvatMaskRle(maskFromRows(['000']), { colMin: 0, rowMin: 0, colMax: 2, rowMax: 0 })).toEqual([
      3, 0, 0, 2, 0,
    ]);
  });

  it('round-trips random masks', () => {
    const random = seededRandom(2);
    for (let trial = 0; trial < 30; trial++) {
      const mask = randomMask(
        random,
        1 + Math.floor(random() * 60),
        1 + Math.floor(random() * 60),
        random(),
        trial % 2 === 0,
      );
      const points = encodeCvatMaskRle(mask);
      if (points === null) continue;
      expect(firstDifference(decodeCvatMaskRle(points, mask.width, mask.height).data, mask.data)).toBe(-1);
    }
  });

  it('rejects malformed points and boxes', () => {
    expect(() => decodeCvatMaskRle([1, 0, 0, 0], 4, 4)).toThrow(InvalidFormatError); // no runs
    expect(() => decodeCvatMaskRle([2, 0, 0, 0, 0], 4, 4)).toThrow(InvalidFormatError); // runs too long
    expect(() => decodeCvatMaskRle([1, 0, 0, 4, 0], 4, 4)).toThrow(InvalidFormatError); // box past the image
    expect(() => decodeCvatMaskRle([1, 0, 1, 0, 0], 4, 4)).toThrow(InvalidFormatError); // x2 < x1
    expect(() => decodeCvatMaskRle([0.5, 0.5, 0, 0, 0, 0], 4, 4)).toThrow(InvalidFormatError);
    expect(() => decodeCvatMaskRle([1, 0, 0, 0, 0], 0, 4)).toThrow(InvalidArgumentError);
    const mask = maskFromRows(['01']);
    expect(() => encodeCvatMaskRle(mask, { colMin: 0, rowMin: 0, colMax: 2, rowMax: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('toCvatInteractorResponse', () => {
  it('crops to the tight box with rows of 0/255 and inclusive bounds', () => {
    const mask = maskFromRows(['00000', '00110', '00100', '00000']);
    expect(toCvatInteractorResponse(mask)).toEqual({
      mask: [
        [255, 255],
        [255, 0],
      ],
      bounds: [2, 1, 3, 2],
    });
    expect(toCvatInteractorResponse(maskFromRows(['00']))).toBeNull();
    const box = { colMin: 1, rowMin: 0, colMax: 2, rowMax: 1 };
    expect(toCvatInteractorResponse(mask, box)).toEqual({
      mask: [
        [0, 0],
        [0, 255],
      ],
      bounds: [1, 0, 2, 1],
    });
  });
});
