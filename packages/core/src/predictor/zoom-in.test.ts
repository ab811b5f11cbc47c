import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/zoom-in.json';
import { roundHalfEven } from './round-half-even';
import {
  boxIou,
  candidateRoi,
  clampBox,
  expandBox,
  positiveClicksInsideRoi,
  selectRoi,
  wholeImageRoi,
} from './zoom-in';

// Reference values from Python float64 and round() (packages/core/scripts/make-predictor-fixtures.py).

const toRoi = ([rowMin, rowMax, colMin, colMax]: number[]) => ({ rowMin, rowMax, colMin, colMax });

describe('roundHalfEven is Python round()', () => {
  it.each(fixture.rounding.map((r) => [r.value, r.rounded]))('round(%d) = %d', (value, rounded) => {
    expect(roundHalfEven(value)).toBe(rounded);
  });
  it('differs from Math.round on ties', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(Math.round(2.5)).toBe(3);
  });
});

describe('expandBox matches the official expand_bbox', () => {
  it(`on ${fixture.expand.length} boxes, ties included`, () => {
    for (const { box, expanded } of fixture.expand) {
      expect(expandBox(toRoi(box), 1.4, 200)).toEqual(toRoi(expanded));
    }
  });
});

describe('boxIou matches the official get_bbox_iou', () => {
  it(`on ${fixture.iou.length} pairs`, () => {
    for (const { first, second, iou } of fixture.iou) expect(boxIou(toRoi(first), toRoi(second))).toBe(iou);
  });
});

describe('ROI selection', () => {
  const clicks = [{ xPx: 50, yPx: 40, isPositive: true }];

  it('uses the whole image when the previous mask is empty', () => {
    expect(candidateRoi(null, clicks, 640, 480)).toEqual(wholeImageRoi(640, 480));
  });

  it('expands the mask box together with the positive click pixels, then clamps', () => {
    const box = { rowMin: 100, rowMax: 150, colMin: 300, colMax: 400 };
    const roi = candidateRoi(box, [...clicks, { xPx: 600.7, yPx: 10.2, isPositive: false }], 640, 480);
    // Union with the positive click (row 40, col 50): rows 40..150, cols 50..400.
    expect(roi).toEqual(clampBox(expandBox({ rowMin: 40, rowMax: 150, colMin: 50, colMax: 400 }, 1.4, 200), 640, 480));
  });

  it('truncates fractional positive clicks to their pixel', () => {
    const box = { rowMin: 100, rowMax: 100, colMin: 100, colMax: 100 };
    const roi = candidateRoi(box, [{ xPx: 399.9, yPx: 100.2, isPositive: true }], 1000, 1000);
    expect(roi).toEqual(expandBox({ rowMin: 100, rowMax: 100, colMin: 100, colMax: 399 }, 1.4, 200));
  });

  it('counts a positive click on the last row or column of the ROI as outside (official >= test)', () => {
    const roi = { rowMin: 10, rowMax: 20, colMin: 10, colMax: 20 };
    expect(positiveClicksInsideRoi(roi, [{ xPx: 19.9, yPx: 10, isPositive: true }])).toBe(true);
    expect(positiveClicksInsideRoi(roi, [{ xPx: 20, yPx: 10, isPositive: true }])).toBe(false);
    expect(positiveClicksInsideRoi(roi, [{ xPx: 15, yPx: 20, isPositive: true }])).toBe(false);
    expect(positiveClicksInsideRoi(roi, [{ xPx: 0, yPx: 0, isPositive: false }])).toBe(true);
  });

  it('keeps the old ROI unless a positive click is outside it or the IoU drops below 0.5', () => {
    const old = { rowMin: 0, rowMax: 199, colMin: 0, colMax: 199 };
    const similar = { rowMin: 0, rowMax: 209, colMin: 0, colMax: 199 };
    const far = { rowMin: 150, rowMax: 349, colMin: 150, colMax: 349 };
    const inside = [{ xPx: 100, yPx: 100, isPositive: true }];
    expect(selectRoi(null, similar, inside)).toBe(similar);
    expect(selectRoi(old, similar, inside)).toBe(old);
    expect(selectRoi(old, far, inside)).toBe(far);
    expect(selectRoi(old, similar, [{ xPx: 199, yPx: 100, isPositive: true }])).toBe(similar);
  });
});
