import { InvalidArgumentError, type BinaryMask, type Click, type Roi } from '@simpleclick/core';

/*
 * SimpleClick has no box input. A rectangle drawn with the smart tool is used twice:
 * 1. as the region the model looks at: the image is cropped to the box grown by a context ratio (the official
 *    zoom-in grows its box by 1.4 too), so from the first click the network sees the box's contents at its full
 *    input resolution; keypoints outside that crop grow it to include them;
 * 2. as a first positive click at the box centre (the keypoints, if any, follow it in order), and as a clip:
 *    the mask is zeroed outside the box.
 */

/** How a box shapes the crop. */
export interface BoxCropOptions {
  /** The crop is the box grown by this factor about its centre (default 1.4), then clipped to the image. */
  readonly contextRatio: number;
  /** The crop is at least this many pixels wide and high where the image allows (default 32). */
  readonly minSizePx: number;
}

/** Defaults of {@link BoxCropOptions}. */
export const DEFAULT_BOX_CROP_OPTIONS: BoxCropOptions = Object.freeze({ contextRatio: 1.4, minSizePx: 32 });

/** The crop of the image the model sees for `box` (inclusive pixels), grown to contain every click. */
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
 * A full-size mask holding `cropMask` at `crop`, zero elsewhere; with `clip`, also zero outside that box
 * (inclusive pixels of the full image).
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
