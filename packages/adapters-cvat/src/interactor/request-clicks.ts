import { InvalidClickError, type Click } from '@simpleclick/core';
import type { CvatPoint } from './cvat-request';

/**
 * How far outside the frame a point may lie and still be taken (clamped onto the edge pixel): half a pixel. CVAT's
 * canvas sends the raw float position of a click whose rounded value is inside the frame, so a click on the first
 * column arrives as x in [-0.5, 0) (and likewise at the other edges, where conventions differ by half a pixel).
 */
export const EDGE_TOLERANCE_PX = 0.5;

/**
 * A request point as a click inside the `widthPx` x `heightPx` frame: points within {@link EDGE_TOLERANCE_PX}
 * outside an edge are clamped onto the edge pixel (x < 0 becomes 0; x >= width becomes width - 0.5, the centre of
 * the last column); points farther out are refused.
 * @throws InvalidClickError naming the point (`name`) and the frame size.
 */
export function pointToClick(
  point: CvatPoint,
  isPositive: boolean,
  widthPx: number,
  heightPx: number,
  name: string,
): Click {
  const [xPx, yPx] = point;
  const inside = (value: number, size: number) => value >= -EDGE_TOLERANCE_PX && value < size + EDGE_TOLERANCE_PX;
  if (!(inside(xPx, widthPx) && inside(yPx, heightPx))) {
    throw new InvalidClickError(`${name} (x=${xPx}, y=${yPx}) is outside the ${widthPx} x ${heightPx} image`);
  }
  const clamp = (value: number, size: number) => (value < 0 ? 0 : value >= size ? size - 0.5 : value);
  return { xPx: clamp(xPx, widthPx), yPx: clamp(yPx, heightPx), isPositive };
}
