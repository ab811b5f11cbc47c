import type { Click } from '../clicks/click';
import type { Roi } from '../image/roi';
import { roundHalfEven } from './round-half-even';

/**
 * The zoom-in rules of the official SimpleClick evaluation (`ZoomIn` with `skip_clicks = -1`, docs/per-click-algorithm.md, zoom-in),
 * in float64 with Python's rounding, so the boxes match the official ones exactly.
 */
export interface ZoomInOptions {
  /** The object's box is scaled by this factor around its centre (official 1.4). */
  readonly expansionRatio: number;
  /** Minimum side of the expanded box before clamping, pixels (official 200). */
  readonly minCropSizePx: number;
  /** The old ROI is replaced when its box IoU with the new candidate is below this (official 0.5). */
  readonly recomputeIouThreshold: number;
  /** Previous probabilities above this count as object for the candidate box (official 0.5, strict `>`). */
  readonly probabilityThreshold: number;
}

/** The official values. */
export const DEFAULT_ZOOM_IN_OPTIONS: ZoomInOptions = Object.freeze({
  expansionRatio: 1.4,
  minCropSizePx: 200,
  recomputeIouThreshold: 0.5,
  probabilityThreshold: 0.5,
});

/** The whole image as an ROI. */
export function wholeImageRoi(widthPx: number, heightPx: number): Roi {
  return { rowMin: 0, rowMax: heightPx - 1, colMin: 0, colMax: widthPx - 1 };
}

/**
 * Scales a box around its centre: `centre = (min + max) / 2`, `size = max(ratio * (max - min + 1), minSize)`,
 * edges `roundHalfEven(centre -/+ size / 2)`, all in float64 (official `expand_bbox`). Not clamped.
 */
export function expandBox(box: Roi, expansionRatio: number, minSizePx: number): Roi {
  const rowCentre = 0.5 * (box.rowMin + box.rowMax);
  const colCentre = 0.5 * (box.colMin + box.colMax);
  const height = Math.max(expansionRatio * (box.rowMax - box.rowMin + 1), minSizePx);
  const width = Math.max(expansionRatio * (box.colMax - box.colMin + 1), minSizePx);
  return {
    rowMin: roundHalfEven(rowCentre - 0.5 * height),
    rowMax: roundHalfEven(rowCentre + 0.5 * height),
    colMin: roundHalfEven(colCentre - 0.5 * width),
    colMax: roundHalfEven(colCentre + 0.5 * width),
  };
}

/** Clamps a box to the image (official `clamp_bbox`). */
export function clampBox(box: Roi, widthPx: number, heightPx: number): Roi {
  return {
    rowMin: Math.max(0, box.rowMin),
    rowMax: Math.min(heightPx - 1, box.rowMax),
    colMin: Math.max(0, box.colMin),
    colMax: Math.min(widthPx - 1, box.colMax),
  };
}

/**
 * Box IoU as the official `get_bbox_iou` computes it: the product over rows and columns of the 1-D IoUs,
 * `inter = max(0, min(b, d) - max(a, c) + 1)`, `union = max(1e-6, max(b, d) - min(a, c) + 1)`.
 */
export function boxIou(first: Roi, second: Roi): number {
  return (
    segmentIou(first.rowMin, first.rowMax, second.rowMin, second.rowMax) *
    segmentIou(first.colMin, first.colMax, second.colMin, second.colMax)
  );
}

function segmentIou(a: number, b: number, c: number, d: number): number {
  const intersection = Math.max(0, Math.min(b, d) - Math.max(a, c) + 1);
  const union = Math.max(1e-6, Math.max(b, d) - Math.min(a, c) + 1);
  return intersection / union;
}

/**
 * Whether every positive click lies in the ROI as the official `check_object_roi` tests it: a click on the
 * last row or column (`y >= rowMax` or `x >= colMax`) counts as outside. Negative clicks are not checked.
 */
export function positiveClicksInsideRoi(roi: Roi, clicks: readonly Click[]): boolean {
  for (const click of clicks) {
    if (!click.isPositive) continue;
    if (click.yPx < roi.rowMin || click.yPx >= roi.rowMax) return false;
    if (click.xPx < roi.colMin || click.xPx >= roi.colMax) return false;
  }
  return true;
}

/**
 * The candidate ROI for the next prediction (official `get_object_roi` with the `skip_clicks = -1` fallback):
 * when the previous mask is empty (`foregroundBox` null) the whole image; otherwise the bounding box of the
 * previous mask together with the pixel `(floor(y), floor(x))` of every positive click, expanded and clamped.
 *
 * @param foregroundBox - inclusive bounding box of the previous probabilities above the zoom-in threshold.
 */
export function candidateRoi(
  foregroundBox: Roi | null,
  clicks: readonly Click[],
  widthPx: number,
  heightPx: number,
  options: ZoomInOptions = DEFAULT_ZOOM_IN_OPTIONS,
): Roi {
  if (foregroundBox === null) return wholeImageRoi(widthPx, heightPx);
  let { rowMin, rowMax, colMin, colMax } = foregroundBox;
  for (const click of clicks) {
    if (!click.isPositive) continue;
    const row = Math.trunc(click.yPx);
    const col = Math.trunc(click.xPx);
    rowMin = Math.min(rowMin, row);
    rowMax = Math.max(rowMax, row);
    colMin = Math.min(colMin, col);
    colMax = Math.max(colMax, col);
  }
  const expanded = expandBox({ rowMin, rowMax, colMin, colMax }, options.expansionRatio, options.minCropSizePx);
  return clampBox(expanded, widthPx, heightPx);
}

/**
 * Keeps the previous ROI unless there is none yet, a positive click lies outside it
 * ({@link positiveClicksInsideRoi}), or its box IoU with the candidate is below the threshold; then the
 * candidate replaces it (official `ZoomIn.transform`).
 */
export function selectRoi(
  previousRoi: Roi | null,
  candidate: Roi,
  clicks: readonly Click[],
  options: ZoomInOptions = DEFAULT_ZOOM_IN_OPTIONS,
): Roi {
  if (previousRoi === null) return candidate;
  if (!positiveClicksInsideRoi(previousRoi, clicks)) return candidate;
  if (boxIou(candidate, previousRoi) < options.recomputeIouThreshold) return candidate;
  return previousRoi;
}
