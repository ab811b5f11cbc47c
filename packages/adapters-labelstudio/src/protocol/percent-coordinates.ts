import { InvalidClickError, type Click, type Roi } from '@simpleclick/core';

/*
 * Label Studio places regions in percent of the image's natural size: x = 0 is the left edge of the image and
 * x = 100 its right edge (a continuous frame). The SDK's clicks are pixel indices (column, row) with (0, 0) the
 * top-left pixel, as in the official clicker. A keypoint therefore becomes the pixel under it:
 * `floor(xPercent / 100 * widthPx)`, with the right and bottom edges (100 percent) falling into the last pixel.
 */

/** How far outside [0, 100] a coordinate may lie and still be clamped onto the image (rounding in the frontend). */
const PERCENT_TOLERANCE = 1;

/** A point in percent of the image size. */
export interface PercentPoint {
  readonly xPercent: number;
  readonly yPercent: number;
}

/** A keypoint of the interactive context: a point in percent and its polarity. */
export interface PercentKeypoint extends PercentPoint {
  readonly isPositive: boolean;
}

/** A rectangle in percent: top-left corner, size, and Label Studio's rotation about that corner (degrees, clockwise). */
export interface PercentBox {
  readonly xPercent: number;
  readonly yPercent: number;
  readonly widthPercent: number;
  readonly heightPercent: number;
  readonly rotationDeg: number;
}

/**
 * The pixel index under a coordinate given in percent of `sizePx` pixels: `floor(percent / 100 * sizePx)`,
 * clamped to `[0, sizePx - 1]`. Throws {@link InvalidClickError} for a non-finite value or one more than
 * {@link PERCENT_TOLERANCE} outside [0, 100].
 */
export function percentToPixelIndex(percent: number, sizePx: number, what = 'coordinate'): number {
  if (typeof percent !== 'number' || !Number.isFinite(percent)) {
    throw new InvalidClickError(`${what} must be a finite number of percent, got ${String(percent)}`);
  }
  if (percent < -PERCENT_TOLERANCE || percent > 100 + PERCENT_TOLERANCE) {
    throw new InvalidClickError(`${what} ${percent}% lies outside the image (0..100%)`);
  }
  const index = Math.floor((percent / 100) * sizePx);
  return Math.min(sizePx - 1, Math.max(0, index));
}

/** A keypoint in percent as an SDK click on a `widthPx` x `heightPx` image (see {@link percentToPixelIndex}). */
export function keypointToClick(keypoint: PercentKeypoint, widthPx: number, heightPx: number, index = 0): Click {
  return {
    xPx: percentToPixelIndex(keypoint.xPercent, widthPx, `keypoint ${index} x`),
    yPx: percentToPixelIndex(keypoint.yPercent, heightPx, `keypoint ${index} y`),
    isPositive: keypoint.isPositive,
  };
}

/**
 * The pixels a rectangle covers, as an inclusive {@link Roi}: every pixel the (rotated) rectangle's axis-aligned
 * bounding box touches, clipped to the image; at least one pixel. Throws {@link InvalidClickError} when the box is
 * not finite or lies entirely outside the image.
 */
export function boxToRoi(box: PercentBox, widthPx: number, heightPx: number): Roi {
  const values = [box.xPercent, box.yPercent, box.widthPercent, box.heightPercent, box.rotationDeg];
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new InvalidClickError(`rectangle has a non-finite coordinate (${values.join(', ')})`);
  }
  const leftPx = (box.xPercent / 100) * widthPx;
  const topPx = (box.yPercent / 100) * heightPx;
  const boxWidthPx = (Math.abs(box.widthPercent) / 100) * widthPx;
  const boxHeightPx = (Math.abs(box.heightPercent) / 100) * heightPx;
  const radians = (box.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const corners = [
    [0, 0],
    [boxWidthPx, 0],
    [boxWidthPx, boxHeightPx],
    [0, boxHeightPx],
  ].map(([dx, dy]) => [leftPx + dx * cos - dy * sin, topPx + dx * sin + dy * cos]);
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  if (maxX <= 0 || maxY <= 0 || minX >= widthPx || minY >= heightPx) {
    throw new InvalidClickError('the rectangle lies outside the image');
  }
  const colMin = clamp(Math.floor(minX), 0, widthPx - 1);
  const rowMin = clamp(Math.floor(minY), 0, heightPx - 1);
  const colMax = clamp(Math.max(colMin, Math.ceil(maxX) - 1), 0, widthPx - 1);
  const rowMax = clamp(Math.max(rowMin, Math.ceil(maxY) - 1), 0, heightPx - 1);
  return { rowMin, rowMax, colMin, colMax };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
