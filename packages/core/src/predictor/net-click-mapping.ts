import type { Click } from '../clicks/click';
import type { NetClick } from '../clicks/click-maps';
import type { Roi } from '../image/roi';

/**
 * Maps image clicks into the S x S network crop of `roi` as the official zoom-in does:
 * `y' = S * (y - rowMin) / (rowMax - rowMin + 1)`, `x' = S * (x - colMin) / (colMax - colMin + 1)`, float64,
 * evaluated in that order. (The resize itself maps pixel centres with align_corners, so this is off by up
 * to a pixel; it is what the model was evaluated with, so it is kept.)
 */
export function mapClicksToNet(clicks: readonly Click[], roi: Roi, netSizePx: number): NetClick[] {
  const roiHeight = roi.rowMax - roi.rowMin + 1;
  const roiWidth = roi.colMax - roi.colMin + 1;
  return clicks.map((click) => ({
    yNet: (netSizePx * (click.yPx - roi.rowMin)) / roiHeight,
    xNet: (netSizePx * (click.xPx - roi.colMin)) / roiWidth,
    isPositive: click.isPositive,
  }));
}

/**
 * The clicks of the horizontally mirrored crop: `x'' = (S - x') - 1` in float64 (official `AddHorizontalFlip`
 * transforms the click coordinates instead of mirroring the disk raster, so the disks are not exact mirrors).
 */
export function mirrorNetClicks(clicks: readonly NetClick[], netSizePx: number): NetClick[] {
  return clicks.map((click) => ({ yNet: click.yNet, xNet: netSizePx - click.xNet - 1, isPositive: click.isPositive }));
}
