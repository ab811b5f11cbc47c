import { InvalidClickError } from '../errors';
import type { Click } from './click';

/**
 * Checks every click before anything uses it: coordinates must be finite numbers inside the image
 * (`0 <= xPx < widthPx`, `0 <= yPx < heightPx`; fractional values are allowed) and `isPositive` a boolean.
 * Throws {@link InvalidClickError} naming the first bad click; changes nothing.
 */
export function validateClicks(clicks: readonly Click[], widthPx: number, heightPx: number): void {
  if (!Array.isArray(clicks)) {
    throw new InvalidClickError('clicks must be an array of {xPx, yPx, isPositive}');
  }
  clicks.forEach((click, index) => validateClick(click, widthPx, heightPx, index));
}

/** Checks one click (see {@link validateClicks}); `index` only names it in the error message. */
function validateClick(click: Click, widthPx: number, heightPx: number, index = 0): void {
  if (click === null || typeof click !== 'object') {
    throw new InvalidClickError(`click ${index} is not an object`);
  }
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
}
