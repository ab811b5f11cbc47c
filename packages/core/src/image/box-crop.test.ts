import { describe, expect, it } from 'vitest';
import { boxCentreClick, boxCropRoi, clicksInCrop, pasteMask } from './box-crop';
import { InvalidArgumentError } from '../errors';

describe('box crop', () => {
  it('grows the box by the context ratio about its centre, clipped to the image', () => {
    // A 20 x 10 box at columns 40..59, rows 20..29 of a 200 x 100 image, grown 1.5 times: 30 x 15 about (50, 25).
    expect(
      boxCropRoi({ colMin: 40, colMax: 59, rowMin: 20, rowMax: 29 }, [], 200, 100, { contextRatio: 1.5, minSizePx: 1 }),
    ).toEqual({
      colMin: 35,
      colMax: 64,
      rowMin: 17,
      rowMax: 32,
    });
    expect(
      boxCropRoi({ colMin: 0, colMax: 9, rowMin: 90, rowMax: 99 }, [], 200, 100, { contextRatio: 2, minSizePx: 1 }),
    ).toEqual({
      colMin: 0,
      colMax: 14,
      rowMin: 85,
      rowMax: 99,
    });
  });

  it('is at least minSizePx wide and high, and grows to contain every click', () => {
    const crop = boxCropRoi(
      { colMin: 50, colMax: 51, rowMin: 50, rowMax: 51 },
      [{ xPx: 90, yPx: 5, isPositive: false }],
      100,
      100,
      {
        contextRatio: 1.4,
        minSizePx: 10,
      },
    );
    expect(crop).toEqual({ colMin: 46, colMax: 90, rowMin: 5, rowMax: 55 });
  });

  it('refuses a context ratio or minimum size below 1', () => {
    const box = { colMin: 1, colMax: 2, rowMin: 1, rowMax: 2 };
    expect(() => boxCropRoi(box, [], 10, 10, { contextRatio: 0.5, minSizePx: 1 })).toThrow(InvalidArgumentError);
    expect(() => boxCropRoi(box, [], 10, 10, { contextRatio: 1.4, minSizePx: 0 })).toThrow(InvalidArgumentError);
  });

  it('centre click, clicks moved into the crop, mask pasted back and clipped', () => {
    expect(boxCentreClick({ colMin: 10, colMax: 13, rowMin: 4, rowMax: 4 })).toEqual({
      xPx: 11,
      yPx: 4,
      isPositive: true,
    });
    expect(
      clicksInCrop([{ xPx: 12, yPx: 7, isPositive: true }], { colMin: 10, colMax: 20, rowMin: 5, rowMax: 9 }),
    ).toEqual([{ xPx: 2, yPx: 2, isPositive: true }]);
    const cropMask = { width: 3, height: 2, data: new Uint8Array([1, 1, 1, 1, 1, 1]) };
    const pasted = pasteMask(cropMask, { colMin: 1, colMax: 3, rowMin: 1, rowMax: 2 }, 5, 4, {
      colMin: 2,
      colMax: 4,
      rowMin: 0,
      rowMax: 1,
    });
    // prettier-ignore
    expect(Array.from(pasted.data)).toEqual([
      0, 0, 0, 0, 0,
      0, 0, 1, 1, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
    ]);
  });
});
