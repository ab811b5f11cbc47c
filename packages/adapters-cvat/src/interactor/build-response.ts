import { maskBoundingBox, type BinaryMask, type InclusiveBox } from '@simpleclick/core';
import {
  maskToPolygons,
  polygonAreaPx,
  type CvatInteractorResponse,
  type MaskToPolygonsOptions,
} from '@simpleclick/core/formats';

/**
 * What the interactor answers: CVAT's `{mask, bounds}` (rows of 0/1 covering the inclusive bounds
 * `[x1, y1, x2, y2]`) plus `points`, the outline CVAT shows and turns into a polygon.
 */
export interface CvatInteractorResult extends CvatInteractorResponse {
  /**
   * Outer ring of the largest connected region, `[x, y]` vertices in image pixels in the pixel-corner frame (the
   * ring runs along pixel edges, so it encloses exactly the region's pixels); empty when the mask is empty.
   * Absent when the interactor is created with `includePolygon: false`: CVAT then traces the mask itself in the
   * browser with OpenCV.
   */
  points?: [number, number][];
}

/** How {@link buildCvatResult} writes the answer. */
export interface CvatResultOptions {
  readonly includePolygon: boolean;
  /** Options of the polygon tracing (connectivity, simplification tolerance, vertex budget). */
  readonly polygon: Partial<MaskToPolygonsOptions>;
}

/**
 * The answer for a full-image mask. The mask is cropped to its tight bounding box; an empty mask becomes one
 * zero pixel at `emptyAt` (CVAT's UI needs a non-empty `mask` array: it shows nothing for it because `points` is
 * empty).
 */
export function buildCvatResult(
  mask: BinaryMask,
  emptyAt: { readonly xPx: number; readonly yPx: number },
  options: CvatResultOptions,
): CvatInteractorResult {
  const box = maskBoundingBox(mask);
  if (box === null) {
    const xPx = Math.min(mask.width - 1, Math.max(0, Math.floor(emptyAt.xPx)));
    const yPx = Math.min(mask.height - 1, Math.max(0, Math.floor(emptyAt.yPx)));
    const response = croppedResponse(mask, { xMinPx: xPx, yMinPx: yPx, xMaxPx: xPx, yMaxPx: yPx });
    return options.includePolygon ? { ...response, points: [] } : response;
  }
  const response = croppedResponse(mask, box);
  if (!options.includePolygon) return response;
  return { ...response, points: largestOuterRing(mask, box, options.polygon) };
}

/**
 * CVAT's `{mask, bounds}` for the mask inside `box`, 1 for the object and 0 elsewhere. CVAT's UI reads the rows
 * with `mask2Rle(mask.flat())`, which only compares neighbouring values, so 0/1 is read exactly as 0/255 is, in
 * half the JSON where the object is (`1,` instead of `255,`); it places the crop with `bounds`.
 */
function croppedResponse(mask: BinaryMask, box: InclusiveBox): CvatInteractorResponse {
  const { xMinPx, yMinPx, xMaxPx, yMaxPx } = box;
  const rows: number[][] = [];
  for (let y = yMinPx; y <= yMaxPx; y++) {
    const row = new Array<number>(xMaxPx - xMinPx + 1);
    for (let x = 0, i = y * mask.width + xMinPx; x < row.length; x++, i++) row[x] = mask.data[i] !== 0 ? 1 : 0;
    rows.push(row);
  }
  return { mask: rows, bounds: [xMinPx, yMinPx, xMaxPx, yMaxPx] };
}

/** Outer ring of the largest polygon of the mask inside `box` (traced on the crop only), in image pixels. */
function largestOuterRing(
  mask: BinaryMask,
  box: InclusiveBox,
  polygonOptions: Partial<MaskToPolygonsOptions>,
): [number, number][] {
  const width = box.xMaxPx - box.xMinPx + 1;
  const height = box.yMaxPx - box.yMinPx + 1;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (box.yMinPx + y) * mask.width + box.xMinPx;
    data.set(mask.data.subarray(from, from + width), y * width);
  }
  const polygons = maskToPolygons({ width, height, data }, polygonOptions);
  let best = polygons[0];
  for (const polygon of polygons) if (polygonAreaPx(polygon) > polygonAreaPx(best)) best = polygon;
  if (best === undefined) return [];
  return best.outer.map(([xPx, yPx]) => [xPx + box.xMinPx, yPx + box.yMinPx]);
}
