import { InvalidClickError } from '../errors';
import type { Click } from './click';

/**
 * Frozen clicks this module made, with the image size they were checked against. A click checked once (by a
 * session) is neither checked nor copied again on its way to the model (by the predictor): one check and one copy
 * per click, wherever it enters the SDK.
 */
const checkedSizes = new WeakMap<Click, { readonly widthPx: number; readonly heightPx: number }>();

/**
 * Checks every click before anything uses it (see {@link checkedClick}) and returns them as frozen copies (the
 * same objects for clicks already checked against this image size). A frozen array of such clicks (a session's
 * list) is returned as it is: nobody can change it, so it needs no copy. Throws {@link InvalidClickError} naming
 * the first bad click; changes nothing.
 */
export function checkedClicks(clicks: readonly Click[], widthPx: number, heightPx: number): readonly Click[] {
  if (isFrozenCheckedList(clicks, widthPx, heightPx)) return clicks;
  if (!Array.isArray(clicks)) {
    throw new InvalidClickError('clicks must be an array of {xPx, yPx, isPositive}');
  }
  return Object.freeze(clicks.map((click: Click, index) => checkedClick(click, widthPx, heightPx, index)));
}

/** Whether `clicks` is a frozen array of clicks {@link checkedClick} returned for this image size. */
function isFrozenCheckedList(clicks: unknown, widthPx: number, heightPx: number): boolean {
  if (!Array.isArray(clicks) || !Object.isFrozen(clicks)) return false;
  const list = clicks as readonly unknown[];
  for (let index = 0; index < list.length; index++) {
    const click = list[index];
    const size = typeof click === 'object' && click !== null ? checkedSizes.get(click as Click) : undefined;
    if (size === undefined || size.widthPx !== widthPx || size.heightPx !== heightPx) return false;
  }
  return true;
}

/**
 * Checks one click: coordinates must be finite numbers inside the image (`0 <= xPx < widthPx`,
 * `0 <= yPx < heightPx`; fractional values are allowed) and `isPositive` a boolean. Returns a frozen copy, so a
 * caller changing its object later cannot change what the SDK keeps; a click this function returned for the same
 * image size is returned as it is. `index` only names the click in the error message. Throws
 * {@link InvalidClickError}.
 */
export function checkedClick(click: Click, widthPx: number, heightPx: number, index = 0): Click {
  if (click === null || typeof click !== 'object') {
    throw new InvalidClickError(`click ${index} is not an object {xPx, yPx, isPositive}`);
  }
  const size = checkedSizes.get(click);
  if (size !== undefined && size.widthPx === widthPx && size.heightPx === heightPx) return click;
  const { xPx, yPx, isPositive } = click;
  if (typeof xPx !== 'number' || typeof yPx !== 'number' || !Number.isFinite(xPx) || !Number.isFinite(yPx)) {
    throw new InvalidClickError(`click ${index} has a non-finite coordinate (xPx=${String(xPx)}, yPx=${String(yPx)})`);
  }
  if (typeof isPositive !== 'boolean') {
    throw new InvalidClickError(`click ${index} has isPositive=${String(isPositive)}, expected true or false`);
  }
  if (xPx < 0 || xPx >= widthPx || yPx < 0 || yPx >= heightPx) {
    throw new InvalidClickError(
      `click ${index} at (xPx=${xPx}, yPx=${yPx}) is outside the ${widthPx} x ${heightPx} image`,
    );
  }
  const copy = Object.freeze({ xPx, yPx, isPositive });
  checkedSizes.set(copy, { widthPx, heightPx });
  return copy;
}
