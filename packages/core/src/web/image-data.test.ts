import { describe, expect, it } from 'vitest';
import { InvalidImageError } from '../errors';
import { rgbImageFromImageData } from './image-data';

describe('rgbImageFromImageData', () => {
  it('drops alpha and keeps RGB in order', () => {
    const data = new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 0]);
    expect(rgbImageFromImageData({ width: 2, height: 1, data })).toEqual({
      width: 2,
      height: 1,
      data: new Uint8Array([1, 2, 3, 4, 5, 6]),
    });
  });

  it('rejects a wrong size or buffer', () => {
    expect(() => rgbImageFromImageData({ width: 2, height: 1, data: new Uint8ClampedArray(7) })).toThrow(
      InvalidImageError,
    );
    expect(() => rgbImageFromImageData({ width: 0, height: 1, data: new Uint8ClampedArray(0) })).toThrow(
      InvalidImageError,
    );
  });
});
