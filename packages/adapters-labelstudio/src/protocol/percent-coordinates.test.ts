import { InvalidClickError } from '@simpleclick/core';
import { describe, expect, it } from 'vitest';
import { boxToRoi, keypointToClick, percentToPixelIndex } from './percent-coordinates';

describe('percent to pixels', () => {
  it('a coordinate in percent lands in the pixel under it', () => {
    // 640 px: each pixel is 0.15625 percent wide.
    expect(percentToPixelIndex(0, 640)).toBe(0);
    expect(percentToPixelIndex(0.15625, 640)).toBe(1); // the left edge of pixel 1
    expect(percentToPixelIndex(0.15, 640)).toBe(0);
    expect(percentToPixelIndex(50, 640)).toBe(320);
    expect(percentToPixelIndex(99.99, 640)).toBe(639);
  });

  it('the right and bottom edges (100 percent) fall into the last pixel; slight overshoot is clamped', () => {
    expect(percentToPixelIndex(100, 640)).toBe(639);
    expect(percentToPixelIndex(100.5, 640)).toBe(639);
    expect(percentToPixelIndex(-0.5, 640)).toBe(0);
    expect(percentToPixelIndex(100, 1)).toBe(0);
  });

  it('refuses non-finite values and points well outside the image', () => {
    expect(() => percentToPixelIndex(Number.NaN, 10)).toThrow(InvalidClickError);
    expect(() => percentToPixelIndex(102, 10)).toThrow(/outside the image/);
    expect(() => percentToPixelIndex(-2, 10)).toThrow(/outside the image/);
  });

  it('keypoints become clicks (x: column, y: row) with their polarity', () => {
    expect(keypointToClick({ xPercent: 100, yPercent: 0, isPositive: false }, 64, 48)).toEqual({
      xPx: 63,
      yPx: 0,
      isPositive: false,
    });
    expect(keypointToClick({ xPercent: 25, yPercent: 50, isPositive: true }, 64, 48)).toEqual({
      xPx: 16,
      yPx: 24,
      isPositive: true,
    });
  });
});

describe('boxToRoi', () => {
  it('covers every pixel the rectangle touches', () => {
    // 100 x 50 image: x 10..30 percent = 10..30 px -> columns 10..29; y 20..60 percent = 10..30 px -> rows 10..29.
    expect(
      boxToRoi({ xPercent: 10, yPercent: 20, widthPercent: 20, heightPercent: 40, rotationDeg: 0 }, 100, 50),
    ).toEqual({
      colMin: 10,
      colMax: 29,
      rowMin: 10,
      rowMax: 29,
    });
    // Fractional edges include the partly covered pixels.
    expect(
      boxToRoi({ xPercent: 10.5, yPercent: 0, widthPercent: 1, heightPercent: 1, rotationDeg: 0 }, 100, 100),
    ).toEqual({
      colMin: 10,
      colMax: 11,
      rowMin: 0,
      rowMax: 0,
    });
  });

  it('is clipped at the image edges and never empty', () => {
    expect(
      boxToRoi({ xPercent: 90, yPercent: 90, widthPercent: 30, heightPercent: 30, rotationDeg: 0 }, 10, 10),
    ).toEqual({
      colMin: 9,
      colMax: 9,
      rowMin: 9,
      rowMax: 9,
    });
    expect(boxToRoi({ xPercent: 0, yPercent: 0, widthPercent: 100, heightPercent: 100, rotationDeg: 0 }, 7, 5)).toEqual(
      {
        colMin: 0,
        colMax: 6,
        rowMin: 0,
        rowMax: 4,
      },
    );
    expect(boxToRoi({ xPercent: 50, yPercent: 50, widthPercent: 0, heightPercent: 0, rotationDeg: 0 }, 10, 10)).toEqual(
      {
        colMin: 5,
        colMax: 5,
        rowMin: 5,
        rowMax: 5,
      },
    );
  });

  it('a rotated rectangle gives its axis-aligned bounding box (rotation about the top-left corner, clockwise)', () => {
    // 20 x 10 px box at (50, 50) on a 200 x 200 image, turned 90 degrees: it hangs down-left of the corner.
    const roi = boxToRoi({ xPercent: 25, yPercent: 25, widthPercent: 10, heightPercent: 5, rotationDeg: 90 }, 200, 200);
    expect(roi).toEqual({ colMin: 40, colMax: 49, rowMin: 50, rowMax: 69 });
  });

  it('refuses boxes outside the image or with non-finite values', () => {
    expect(() =>
      boxToRoi({ xPercent: 120, yPercent: 0, widthPercent: 5, heightPercent: 5, rotationDeg: 0 }, 10, 10),
    ).toThrow(/outside the image/);
    expect(() =>
      boxToRoi({ xPercent: 1, yPercent: 0, widthPercent: Infinity, heightPercent: 5, rotationDeg: 0 }, 10, 10),
    ).toThrow(/non-finite/);
  });
});
