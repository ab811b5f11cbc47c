import { maskBoundingBox, type BinaryMask, type Roi } from '@simpleclick/core';
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
    const response = croppedResponse(mask, { colMin: xPx, rowMin: yPx, colMax: xPx, rowMax: yPx });
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
function croppedResponse(mask: BinaryMask, box: Roi): CvatInteractorResponse {
  const { colMin, rowMin, colMax, rowMax } = box;
  const rows: number[][] = [];
  for (let y = rowMin; y <= rowMax; y++) {
    const row = new Array<number>(colMax - colMin + 1);
    for (let x = 0, i = y * mask.width + colMin; x < row.length; x++, i++) row[x] = mask.data[i] !== 0 ? 1 : 0;
    rows.push(row);
  }
  return { mask: rows, bounds: [colMin, rowMin, colMax, rowMax] };
}

/** Outer ring of the largest polygon of the mask inside `box` (traced on the crop only), in image pixels. */
function largestOuterRing(
  mask: BinaryMask,
  box: Roi,
  polygonOptions: Partial<MaskToPolygonsOptions>,
): [number, number][] {
  const width = box.colMax - box.colMin + 1;
  const height = box.rowMax - box.rowMin + 1;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (box.rowMin + y) * mask.width + box.colMin;
    data.set(mask.data.subarray(from, from + width), y * width);
  }
  const polygons = maskToPolygons({ width, height, data }, polygonOptions);
  let best = polygons[0];
  for (const polygon of polygons) if (polygonAreaPx(polygon) > polygonAreaPx(best)) best = polygon;
  if (best === undefined) return [];
  return best.outer.map(([xPx, yPx]) => [xPx + box.colMin, yPx + box.rowMin]);
}
