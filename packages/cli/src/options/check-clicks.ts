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
