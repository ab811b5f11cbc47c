import { InvalidArgumentError } from 'commander';

/**
 * Option-value parsers for commander. Each throws commander's InvalidArgumentError, so a bad value becomes a
 * usage error that names the option: `error: option '--max-clicks <n>' argument 'x' is invalid. ...`.
 */

/** An integer >= `min` written in decimal digits (no fractions, no exponent). */
export function integerAtLeast(min: number): (text: string) => number {
  return (text: string) => {
    const trimmed = text.trim();
    if (!/^[+-]?\d+$/.test(trimmed)) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    const value = Number(trimmed);
    if (!Number.isSafeInteger(value) || value < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return value;
  };
}

/** A finite decimal number in [min, max]. */
export function numberInRange(min: number, max: number): (text: string) => number {
  return (text: string) => {
    const trimmed = text.trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed))
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}]`);
    const value = Number(trimmed);
    if (!(value >= min && value <= max)) throw new InvalidArgumentError(`expected a number in [${min}, ${max}]`);
    return value;
  };
}

/** An area in pixels: an integer >= 0, or `all` / `inf` for no limit (Infinity). */
export function areaPx(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'all' || trimmed === 'inf' || trimmed === 'infinity') return Infinity;
  if (!/^\d+$/.test(trimmed)) throw new InvalidArgumentError('expected an area in pixels (an integer >= 0, or "all")');
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value))
    throw new InvalidArgumentError('expected an area in pixels (an integer >= 0, or "all")');
  return value;
}

/** A pixel count limit: an integer >= 1, or `none` / `inf` for no limit (Infinity). */
export function pixelLimit(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'none' || trimmed === 'inf' || trimmed === 'infinity') return Infinity;
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a number of pixels (an integer >= 1, or "none" for no limit)');
  }
  return value;
}
