import { InvalidClickError, type BinaryMask, type Click, type Roi } from '@simpleclick/core';
import type { CvatBox } from './cvat-request';

/*
 * SimpleClick takes no box. A box (`obj_bbox`) starts the object the way the Label Studio backend starts one from a
 * rectangle:
 * 1. the model sees the frame cropped to the box grown by 1.4 about its centre (the official zoom-in grows its box
 *    by 1.4 too; at least 32 px where the frame allows), grown further to hold every click, so from the first click
 *    the network looks at the box's contents at its full input resolution;
 * 2. a positive click at the box's centre pixel comes first, the request's clicks follow;
 * 3. the mask is cleared outside the box.
 */

/** The crop grows the box by this factor about its centre. */
const CONTEXT_RATIO = 1.4;
/** ... and is at least this many pixels wide and high where the frame allows. */
const MIN_CROP_PX = 32;

/**
 * The pixels a box covers (inclusive; pixel-corner frame: `[x1, x2)` covers columns floor(x1) .. ceil(x2) - 1),
 * clipped to the frame. Throws InvalidClickError for a box that misses the frame.
 */
export function boxPixels(box: CvatBox, widthPx: number, heightPx: number): Roi {
  if (!(box.x2Px > 0 && box.x1Px < widthPx && box.y2Px > 0 && box.y1Px < heightPx)) {
    throw new InvalidClickError(
      `obj_bbox [${box.x1Px}, ${box.y1Px}, ${box.x2Px}, ${box.y2Px}] does not overlap the ${widthPx} x ${heightPx} image`,
    );
  }
  const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
  const colMin = Math.min(widthPx - 1, Math.floor(clamp(box.x1Px, widthPx)));
  const rowMin = Math.min(heightPx - 1, Math.floor(clamp(box.y1Px, heightPx)));
  return {
    colMin,
    rowMin,
    colMax: Math.max(colMin, Math.ceil(clamp(box.x2Px, widthPx)) - 1),
    rowMax: Math.max(rowMin, Math.ceil(clamp(box.y2Px, heightPx)) - 1),
  };
}

/** The positive click at the centre pixel of a box. */
export function boxCentreClick(box: Roi): Click {
  return {
    xPx: Math.floor((box.colMin + box.colMax) / 2),
    yPx: Math.floor((box.rowMin + box.rowMax) / 2),
    isPositive: true,
  };
}

/** The crop the model sees for `box`: grown by {@link CONTEXT_RATIO}, clipped to the frame, holding every click. */
export function boxCropRoi(box: Roi, clicks: readonly Click[], widthPx: number, heightPx: number): Roi {
  const grow = (min: number, max: number, limit: number): [number, number] => {
    const centre = (min + max + 1) / 2;
    const half = Math.max(((max - min + 1) * CONTEXT_RATIO) / 2, MIN_CROP_PX / 2);
    return [Math.max(0, Math.floor(centre - half)), Math.min(limit - 1, Math.ceil(centre + half) - 1)];
  };
  let [colMin, colMax] = grow(box.colMin, box.colMax, widthPx);
  let [rowMin, rowMax] = grow(box.rowMin, box.rowMax, heightPx);
  for (const { xPx, yPx } of clicks) {
    colMin = Math.min(colMin, Math.floor(xPx));
    colMax = Math.max(colMax, Math.floor(xPx));
    rowMin = Math.min(rowMin, Math.floor(yPx));
    rowMax = Math.max(rowMax, Math.floor(yPx));
  }
  return { rowMin, rowMax, colMin, colMax };
}

/** Clicks moved into the frame of a crop starting at `crop`'s top-left pixel. */
export function clicksInCrop(clicks: readonly Click[], crop: Roi): Click[] {
  return clicks.map(({ xPx, yPx, isPositive }) => ({ xPx: xPx - crop.colMin, yPx: yPx - crop.rowMin, isPositive }));
}

/** A full-frame mask holding `cropMask` at `crop`, zero elsewhere and outside `clip` (inclusive pixels). */
export function pasteMask(cropMask: BinaryMask, crop: Roi, widthPx: number, heightPx: number, clip: Roi): BinaryMask {
  const data = new Uint8Array(widthPx * heightPx);
  const rowStart = Math.max(crop.rowMin, clip.rowMin);
  const rowEnd = Math.min(crop.rowMax, clip.rowMax);
  const colStart = Math.max(crop.colMin, clip.colMin);
  const colEnd = Math.min(crop.colMax, clip.colMax);
  for (let row = rowStart; row <= rowEnd; row++) {
    const from = (row - crop.rowMin) * cropMask.width - crop.colMin;
    for (let col = colStart; col <= colEnd; col++) data[row * widthPx + col] = cropMask.data[from + col] !== 0 ? 1 : 0;
  }
  return { width: widthPx, height: heightPx, data };
}
