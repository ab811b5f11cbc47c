import { InvalidArgumentError } from '../errors';

/**
 * A click in network-input coordinates: row `yNet` and column `xNet` of the S x S crop, float64, not rounded
 * (they may be negative or beyond S for a click outside the zoom-in crop).
 */
export interface NetClick {
  readonly yNet: number;
  readonly xNet: number;
  readonly isPositive: boolean;
}

/** Disk radius of the official SimpleClick click encoding (`norm_radius = 5`, `use_disks = True`). */
export const CLICK_DISK_RADIUS_PX = 5;

/**
 * Draws the click disks of SimpleClick's encoding (official `DistMaps` with `use_disks`) into two S x S
 * planes of `target`: value 1 at every integer pixel (row, col) with `(row - y)^2 + (col - x)^2 <= r^2`, the
 * union over the clicks of each sign; other values are left as they are (the caller zero-fills).
 *
 * Arithmetic as in the official evaluation: the coordinates stay float64 (the official clicks are numpy
 * integers, so the mapped coordinates are numpy float64 and the points tensor is float64); each difference is
 * computed in float64 and stored into the float32 coordinate grid (one rounding to float32), then squared and
 * summed in float32 (`Math.fround` at every step), so the pixels on the rim match bit for bit. A click whose
 * coordinates are both negative (`max(y, x) < 0`) is skipped even if its disk would reach the crop: the
 * official code treats such points as padding.
 *
 * Only the pixels within the disk's bounding square are visited.
 */
export function drawClickDisks(
  clicks: readonly NetClick[],
  sizePx: number,
  target: Float32Array,
  positiveOffset: number,
  negativeOffset: number,
  radiusPx: number = CLICK_DISK_RADIUS_PX,
): void {
  if (!Number.isInteger(sizePx) || sizePx <= 0) {
    throw new InvalidArgumentError(`size must be a positive integer, got ${sizePx}`);
  }
  if (!(radiusPx >= 0) || !Number.isFinite(radiusPx)) {
    throw new InvalidArgumentError(`disk radius must be a finite number >= 0, got ${radiusPx}`);
  }
  const planeSize = sizePx * sizePx;
  if (
    positiveOffset < 0 ||
    negativeOffset < 0 ||
    positiveOffset + planeSize > target.length ||
    negativeOffset + planeSize > target.length
  ) {
    throw new InvalidArgumentError('target is too small for two S x S planes at the given offsets');
  }
  const fround = Math.fround;
  const radiusSquared = fround(radiusPx * radiusPx);
  // A float32 difference beyond this bound cannot pass the test, so the loops stop there; the exact test
  // inside decides the rim.
  const reach = radiusPx + 1;
  for (const click of clicks) {
    const y = click.yNet;
    const x = click.xNet;
    if (!(Math.max(y, x) >= 0)) continue;
    const planeOffset = click.isPositive ? positiveOffset : negativeOffset;
    const rowFirst = Math.max(0, Math.ceil(y - reach));
    const rowLast = Math.min(sizePx - 1, Math.floor(y + reach));
    const colFirst = Math.max(0, Math.ceil(x - reach));
    const colLast = Math.min(sizePx - 1, Math.floor(x + reach));
    for (let row = rowFirst; row <= rowLast; row++) {
      const dy = fround(row - y);
      const dySquared = fround(dy * dy);
      if (dySquared > radiusSquared) continue;
      const rowOffset = planeOffset + row * sizePx;
      for (let col = colFirst; col <= colLast; col++) {
        const dx = fround(col - x);
        if (fround(dySquared + fround(dx * dx)) <= radiusSquared) target[rowOffset + col] = 1;
      }
    }
  }
}

/** The two disk planes for `clicks` as new arrays (see {@link drawClickDisks}). */
export function encodeClickDisks(
  clicks: readonly NetClick[],
  sizePx: number,
  radiusPx: number = CLICK_DISK_RADIUS_PX,
): { positive: Float32Array; negative: Float32Array } {
  const planes = new Float32Array(2 * sizePx * sizePx);
  drawClickDisks(clicks, sizePx, planes, 0, sizePx * sizePx, radiusPx);
  return { positive: planes.subarray(0, sizePx * sizePx), negative: planes.subarray(sizePx * sizePx) };
}
