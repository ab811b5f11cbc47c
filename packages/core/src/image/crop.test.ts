import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import { cropFloatMap, cropRgbImage } from './crop';
import { rgbImageToPlanarFloat } from './rgb-to-planar-float';

describe('crops', () => {
  const image = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };

  it('cropRgbImage copies the inclusive box', () => {
    const crop = cropRgbImage(image, { rowMin: 1, rowMax: 1, colMin: 1, colMax: 2 });
    expect(crop).toEqual({ width: 2, height: 1, data: new Uint8Array([120, 130, 140, 150, 160, 170]) });
  });

  it('cropFloatMap copies the inclusive box', () => {
    const map = { width: 3, height: 2, data: new Float32Array([0, 1, 2, 3, 4, 5]) };
    expect(cropFloatMap(map, { rowMin: 0, rowMax: 1, colMin: 2, colMax: 2 }).data).toEqual(new Float32Array([2, 5]));
  });

  it('rejects boxes outside the raster or inverted', () => {
    expect(() => cropRgbImage(image, { rowMin: 0, rowMax: 2, colMin: 0, colMax: 0 })).toThrow(InvalidArgumentError);
    expect(() => cropRgbImage(image, { rowMin: 1, rowMax: 0, colMin: 0, colMax: 0 })).toThrow(InvalidArgumentError);
    expect(() => cropRgbImage(image, { rowMin: 0.5, rowMax: 1, colMin: 0, colMax: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('rgbImageToPlanarFloat', () => {
  it('gives R, G, B planes of float32(value / 255), as torchvision ToTensor', () => {
    const planes = rgbImageToPlanarFloat({ width: 2, height: 1, data: new Uint8Array([0, 51, 255, 1, 2, 3]) });
    expect(Array.from(planes)).toEqual([
      0,
      Math.fround(1 / 255),
      Math.fround(51 / 255),
      Math.fround(2 / 255),
      1,
      Math.fround(3 / 255),
    ]);
  });
});
