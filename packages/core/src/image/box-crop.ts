import type { Click } from '../clicks/click';
import { InvalidArgumentError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from './roi';

/*
 * SimpleClick takes no box. The adapters (a rectangle drawn with Label Studio's smart tool, CVAT's `obj_bbox`) start
 * an object from a box the same way, with these helpers:
 * 1. the model sees the image cropped to the box grown by a context ratio about its centre (the official zoom-in
 *    grows its box by 1.4 too; at least a minimum size where the image allows), grown further to hold every click,
 *    so from the first click the network looks at the box's contents at its full input resolution;
 * 2. a positive click at the box's centre pixel comes first, the user's clicks follow in order;
 * 3. the mask is pasted back into the full image and cleared outside the box.
 */

/** How a box shapes the crop the model sees. */
export interface BoxCropOptions {
  /** The crop is the box grown by this factor about its centre (default 1.4), then clipped to the image. */
  readonly contextRatio: number;
  /** The crop is at least this many pixels wide and high where the image allows (default 32). */
  readonly minSizePx: number;
}

/** Defaults of {@link BoxCropOptions}. */
export const DEFAULT_BOX_CROP_OPTIONS: BoxCropOptions = Object.freeze({ contextRatio: 1.4, minSizePx: 32 });

/**
 * The crop of the image the model sees for `box` (inclusive pixels): the box grown by `options.contextRatio` about
 * its centre, at least `options.minSizePx` wide and high, clipped to the `widthPx` x `heightPx` image, grown to
 * contain every click. Throws {@link InvalidArgumentError} for a context ratio below 1 or a minimum size below 1.
 */
export function boxCropRoi(
  box: Roi,
  clicks: readonly Click[],
  widthPx: number,
  heightPx: number,
  options: BoxCropOptions = DEFAULT_BOX_CROP_OPTIONS,
): Roi {
  if (!(options.contextRatio >= 1) || !(options.minSizePx >= 1)) {
    throw new InvalidArgumentError('box crop contextRatio must be >= 1 and minSizePx >= 1');
  }
  const grow = (min: number, max: number, limit: number): [number, number] => {
    const centre = (min + max + 1) / 2;
    const half = Math.max(((max - min + 1) * options.contextRatio) / 2, options.minSizePx / 2);
    return [Math.max(0, Math.floor(centre - half)), Math.min(limit - 1, Math.ceil(centre + half) - 1)];
  };
  let [colMin, colMax] = grow(box.colMin, box.colMax, widthPx);
  let [rowMin, rowMax] = grow(box.rowMin, box.rowMax, heightPx);
  for (const click of clicks) {
    colMin = Math.min(colMin, Math.floor(click.xPx));
    colMax = Math.max(colMax, Math.floor(click.xPx));
    rowMin = Math.min(rowMin, Math.floor(click.yPx));
    rowMax = Math.max(rowMax, Math.floor(click.yPx));
  }
  return { rowMin, rowMax, colMin, colMax };
}

/** The positive click at the centre pixel of a box. */
export function boxCentreClick(box: Roi): Click {
  return {
    xPx: Math.floor((box.colMin + box.colMax) / 2),
    yPx: Math.floor((box.rowMin + box.rowMax) / 2),
    isPositive: true,
  };
}

/** Clicks moved into the frame of a crop starting at `crop`'s top-left pixel. */
export function clicksInCrop(clicks: readonly Click[], crop: Roi): Click[] {
  return clicks.map(({ xPx, yPx, isPositive }) => ({ xPx: xPx - crop.colMin, yPx: yPx - crop.rowMin, isPositive }));
}

/**
 * A full-size mask (`widthPx` x `heightPx`, 0/1) holding `cropMask` at `crop`, zero elsewhere; with `clip`, also
 * zero outside that box (inclusive pixels of the full image).
 */
export function pasteMask(cropMask: BinaryMask, crop: Roi, widthPx: number, heightPx: number, clip?: Roi): BinaryMask {
  const data = new Uint8Array(widthPx * heightPx);
  const rowStart = Math.max(crop.rowMin, clip?.rowMin ?? 0);
  const rowEnd = Math.min(crop.rowMax, clip?.rowMax ?? heightPx - 1);
  const colStart = Math.max(crop.colMin, clip?.colMin ?? 0);
  const colEnd = Math.min(crop.colMax, clip?.colMax ?? widthPx - 1);
  for (let row = rowStart; row <= rowEnd; row++) {
    const from = (row - crop.rowMin) * cropMask.width - crop.colMin;
    const to = row * widthPx;
    for (let col = colStart; col <= colEnd; col++) data[to + col] = cropMask.data[from + col] !== 0 ? 1 : 0;
  }
  return { width: widthPx, height: heightPx, data };
}
