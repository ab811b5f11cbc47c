import { InvalidArgumentError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import { DEFAULT_CONNECTIVITY } from '../mask/connected-components';
import type { Connectivity } from '../mask/connected-components';
import type { Polygon } from './polygon';
import { polygonAreaPx } from './polygon';
import { assertSimplifyPolygonOptions, simplifyPolygon } from './simplify-polygon';
import { traceMaskPolygons } from './trace-mask-polygons';

/** Options of {@link maskToPolygons}. */
export interface MaskToPolygonsOptions {
  /**
   * Connectivity of the objects: with 8, two pixels that touch only at a corner belong to one polygon whose
   * boundary passes through that corner twice; with 4 they are two polygons.
   */
  readonly connectivity: Connectivity;
  /** Douglas-Peucker tolerance in pixels; 0 (default) keeps the exact pixel outline. */
  readonly epsilonPx: number;
  /** Vertex budget per polygon (outer ring plus holes), at least 3; none by default. */
  readonly maxVerticesPerPolygon?: number;
  /** Polygons whose traced area (outer minus holes) is below this many pixels are dropped; default 0. */
  readonly minAreaPx: number;
}

/** Defaults of {@link MaskToPolygonsOptions}: exact outlines of 8-connected objects, nothing dropped. */
export const DEFAULT_MASK_TO_POLYGONS_OPTIONS: Readonly<MaskToPolygonsOptions> = Object.freeze({
  connectivity: DEFAULT_CONNECTIVITY,
  epsilonPx: 0,
  minAreaPx: 0,
});

/**
 * Polygons of a mask in one call: traces the exact pixel outlines (`traceMaskPolygons`), drops the small ones,
 * then simplifies them (Douglas-Peucker, `simplifyPolygon`) when a tolerance or budget is given. Coordinates are pixels in the pixel-corner frame;
 * use {@link polygonToPercent} for Label Studio. One polygon per connected component, holes included.
 */
export function maskToPolygons(mask: BinaryMask, options: Partial<MaskToPolygonsOptions> = {}): Polygon[] {
  const { connectivity, epsilonPx, maxVerticesPerPolygon, minAreaPx } = {
    ...DEFAULT_MASK_TO_POLYGONS_OPTIONS,
    ...options,
  };
  if (typeof minAreaPx !== 'number' || !(minAreaPx >= 0)) {
    throw new InvalidArgumentError(`minAreaPx must be a number >= 0, got ${String(minAreaPx)}`);
  }
  assertSimplifyPolygonOptions({ epsilonPx, maxVertices: maxVerticesPerPolygon });
  const polygons = traceMaskPolygons(mask, { connectivity }).filter((polygon) => polygonAreaPx(polygon) >= minAreaPx);
  if (epsilonPx === 0 && maxVerticesPerPolygon === undefined) return polygons;
  return polygons.map((polygon) => simplifyPolygon(polygon, { epsilonPx, maxVertices: maxVerticesPerPolygon }));
}
