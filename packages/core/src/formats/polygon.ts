import { InvalidFormatError } from '../errors';

/**
 * A polygon vertex `[xPx, yPx]` in full-image pixels, in the pixel-corner frame: `(0, 0)` is the top-left
 * corner of the image and pixel (column c, row r) is the unit square `[c, c+1] x [r, r+1]`, so its centre is
 * `(c + 0.5, r + 0.5)`. This is the frame of canvas drawing and of Label Studio's percent coordinates.
 */
export type PointPx = [xPx: number, yPx: number];

/** A closed ring of vertices (the last vertex joins the first; it is not repeated). */
export type Ring = PointPx[];

/**
 * A polygon with holes. In image coordinates (y down), the outer ring runs clockwise on screen (positive
 * shoelace area, `ringSignedAreaPx`) and holes run counter-clockwise (negative), so `nonzero` and `evenodd` fills agree.
 * Islands inside a hole are separate polygons.
 */
export interface Polygon {
  readonly outer: Ring;
  readonly holes: Ring[];
}

/**
 * Shoelace area of a ring in square pixels: positive for rings that run clockwise on screen (y down), negative
 * for counter-clockwise ones.
 */
export function ringSignedAreaPx(ring: readonly (readonly [number, number])[]): number {
  let twiceArea = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1 === n ? 0 : i + 1];
    twiceArea += x0 * y1 - x1 * y0;
  }
  return twiceArea / 2;
}

/** Area of a polygon in square pixels: outer area minus hole areas (orientation-independent). */
export function polygonAreaPx(polygon: Polygon): number {
  let area = Math.abs(ringSignedAreaPx(polygon.outer));
  for (const hole of polygon.holes) area -= Math.abs(ringSignedAreaPx(hole));
  return area;
}

/** Number of vertices of a polygon, holes included. */
export function polygonVertexCount(polygon: Polygon): number {
  let count = polygon.outer.length;
  for (const hole of polygon.holes) count += hole.length;
  return count;
}

/** A ring as a flat list `[x0, y0, x1, y1, ...]` (the COCO polygon layout). */
export function ringToFlat(ring: readonly (readonly [number, number])[]): number[] {
  const flat = new Array<number>(ring.length * 2);
  for (let i = 0; i < ring.length; i++) {
    flat[2 * i] = ring[i][0];
    flat[2 * i + 1] = ring[i][1];
  }
  return flat;
}

/** Throws {@link InvalidFormatError} unless every vertex of `ring` is a pair of finite numbers. */
export function assertRing(ring: unknown, what = 'ring'): asserts ring is Ring {
  if (!Array.isArray(ring)) throw new InvalidFormatError(`${what} must be an array of [x, y] points`);
  for (let i = 0; i < ring.length; i++) {
    const point: unknown = ring[i];
    if (
      !Array.isArray(point) ||
      point.length !== 2 ||
      !Number.isFinite(point[0] as number) ||
      !Number.isFinite(point[1] as number)
    ) {
      throw new InvalidFormatError(`${what}[${i}] must be a pair of finite numbers, got ${JSON.stringify(point)}`);
    }
  }
}

/** Throws {@link InvalidFormatError} unless `polygon` has an `outer` ring and an array of `holes` rings. */
export function assertPolygon(polygon: unknown, what = 'polygon'): asserts polygon is Polygon {
  if (polygon === null || typeof polygon !== 'object') throw new InvalidFormatError(`${what} must be an object`);
  const { outer, holes } = polygon as { outer?: unknown; holes?: unknown };
  assertRing(outer, `${what}.outer`);
  if (!Array.isArray(holes)) throw new InvalidFormatError(`${what}.holes must be an array of rings`);
  holes.forEach((hole, k) => assertRing(hole, `${what}.holes[${k}]`));
}
