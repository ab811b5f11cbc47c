import { InvalidClickError, type Roi } from '@simpleclick/core';
import type { CvatBox } from './cvat-request';

/*
 * SimpleClick takes no box. A box (`obj_bbox`) starts the object the way the Label Studio backend starts one from a
 * rectangle, with the same helpers of @simpleclick/core/internal (boxCropRoi with its default options: the box grown
 * by 1.4 about its centre, at least 32 px, grown to hold every click; boxCentreClick first; pasteMask clips the mask
 * to the box). This file only turns CVAT's box into the pixels it covers.
 */

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
