import { encodeRgbPng } from '../../formats/rgb-png';
import type { MiouCurve, MiouPlotOptions } from './miou-plot';
import { renderMiouPlot } from './miou-plot';

/** {@link renderMiouPlot} then {@link encodeRgbPng}: the PNG bytes of an mIoU-per-click plot. */
export function renderMiouPlotPng(curves: readonly MiouCurve[], options: Partial<MiouPlotOptions> = {}): Uint8Array {
  return encodeRgbPng(renderMiouPlot(curves, options));
}
