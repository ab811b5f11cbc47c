import { InvalidArgumentError } from '../errors';
import type { Polygon, Ring } from './polygon';
import { assertPolygon, assertRing } from './polygon';

function assertImageSize(width: number, height: number): void {
  if (!Number.isFinite(width) || !Number.isFinite(height) || width <= 0 || height <= 0) {
    throw new InvalidArgumentError(`image size must be positive, got ${width} x ${height}`);
  }
}

/**
 * Converts a ring from pixels (pixel-corner frame) to percent of the image width and height, the frame of
 * Label Studio results (`value.points` of `polygonlabels`): `xPercent = xPx / width * 100`.
 */
export function ringToPercent(ring: Ring, width: number, height: number): Ring {
  assertRing(ring);
  assertImageSize(width, height);
  return ring.map(([xPx, yPx]) => [(xPx / width) * 100, (yPx / height) * 100]);
}

/** Converts a ring from percent of the image size back to pixels (inverse of {@link ringToPercent}). */
export function ringFromPercent(ring: Ring, width: number, height: number): Ring {
  assertRing(ring);
  assertImageSize(width, height);
  return ring.map(([xPercent, yPercent]) => [(xPercent / 100) * width, (yPercent / 100) * height]);
}

/** {@link ringToPercent} applied to the outer ring and every hole. */
export function polygonToPercent(polygon: Polygon, width: number, height: number): Polygon {
  assertPolygon(polygon);
  return {
    outer: ringToPercent(polygon.outer, width, height),
    holes: polygon.holes.map((hole) => ringToPercent(hole, width, height)),
  };
}
