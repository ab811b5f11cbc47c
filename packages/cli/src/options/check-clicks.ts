import type { Click } from '@simpleclick/core';
import { CommandError } from '../cli-errors';
import { formatClick } from './parse-click';

/**
 * Every click must lie on the image: 0 <= x < width, 0 <= y < height (pixel indices; fractions allowed).
 * @throws CommandError naming the click as typed.
 */
export function checkClicksInside(clicks: readonly Click[], width: number, height: number): void {
  for (const click of clicks) {
    if (!(click.xPx >= 0 && click.xPx < width && click.yPx >= 0 && click.yPx < height)) {
      throw new CommandError(
        `--click ${formatClick(click)} is outside the ${width} x ${height} image (x must be in [0, ${width}), y in [0, ${height}))`,
      );
    }
  }
}

/**
 * The first click must be positive: `segment` predicts after every click in order, and the SDK refuses negative
 * clicks on an object that has no mask yet (`NoPositiveClickError`: nothing says which object is meant). Checked
 * before the model loads so the user gets the reason at once.
 * @throws CommandError naming the click as typed.
 */
export function checkFirstClickPositive(clicks: readonly Click[]): void {
  const first = clicks[0];
  if (first !== undefined && !first.isPositive) {
    throw new CommandError(
      `the first --click must be positive (got ${formatClick(first)}): negative clicks only refine an object that a positive click chose`,
    );
  }
}
