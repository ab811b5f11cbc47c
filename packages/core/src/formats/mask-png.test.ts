import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidFormatError } from '../errors';
import { decodeMaskPng, encodeMaskPng, encodeProbabilityPng } from './mask-png';
import { firstDifference, randomMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

describe('mask PNG', () => {
  const random = seededRandom(4);
  const masks = [randomMask(random, 37, 23, 0.5), randomMask(random, 64, 48, 0.3, true), randomMask(random, 1, 1, 1)];

  it('writes 8-bit grayscale 0/255 that fast-png reads back', () => {
    for (const mask of masks) {
      const png = decode(encodeMaskPng(mask));
      expect([png.width, png.height, png.depth, png.channels]).toEqual([mask.width, mask.height, 8, 1]);
      expect(
        firstDifference(
          png.data,
          mask.data.map((v) => v * 255),
        ),
      ).toBe(-1);
    }
  });

  it('writes 1-bit grayscale, and decodeMaskPng reads both depths', () => {
    for (const mask of masks) {
      const oneBit = encodeMaskPng(mask, { bitDepth: 1 });
      expect(decode(oneBit).depth).toBe(1);
      expect(firstDifference(decodeMaskPng(oneBit).data, mask.data)).toBe(-1);
      expect(firstDifference(decodeMaskPng(encodeMaskPng(mask, { compressionLevel: 9 })).data, mask.data)).toBe(-1);
    }
  });

  it('reads alpha when the PNG has it, 16-bit gray, and palette images', () => {
    const rgba = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 0, 9, 9, 9, 200]);
    expect(Array.from(decodeMaskPng(encode({ width: 3, height: 1, data: rgba, channels: 4 })).data)).toEqual([1, 0, 1]);
    const gray16 = new Uint16Array([0, 40000, 30000, 65535]);
    expect(
      Array.from(decodeMaskPng(encode({ width: 2, height: 2, data: gray16, channels: 1, depth: 16 })).data),
    ).toEqual([0, 1, 0, 1]);
    const indexed = encode({
      width: 3,
      height: 1,
      data: new Uint8Array([0, 1, 0]),
      depth: 8,
      channels: 1,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
      ],
    });
    expect(Array.from(decodeMaskPng(indexed).data)).toEqual([0, 1, 0]);
  });

  it('writes probabilities as round(p * 255), clamped', () => {
    const data = new Float32Array([0, 0.5, 1, -0.2, 1.7, NaN, 0.49, 0.002]);
    const png = decode(encodeProbabilityPng({ width: 4, height: 2, data }));
    expect(Array.from(png.data)).toEqual([0, 128, 255, 0, 255, 0, 125, 1]);
  });

  it('rejects bad input', () => {
    expect(() => decodeMaskPng(new Uint8Array([1, 2, 3]))).toThrow(InvalidFormatError);
    expect(() => encodeMaskPng(masks[0], { bitDepth: 4 as 8 })).toThrow(InvalidArgumentError);
    expect(() => encodeMaskPng(masks[0], { compressionLevel: 10 })).toThrow(InvalidArgumentError);
  });
});
