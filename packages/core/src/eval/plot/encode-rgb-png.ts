import { encode } from 'fast-png';
import type { RgbImage } from '../../image/rgb-image';
import type { MiouCurve, MiouPlotOptions } from './miou-plot';
import { renderMiouPlot } from './miou-plot';

/**
 * Encodes an RGB image as an 8-bit RGB PNG with fast-png (pure TypeScript, the PNG library the mask module uses,
 * so this runs in Node and browsers alike).
 */
export function encodeRgbPng(image: RgbImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
}

/** {@link renderMiouPlot} then {@link encodeRgbPng}: the PNG bytes of an mIoU-per-click plot. */
export function renderMiouPlotPng(curves: readonly MiouCurve[], options: Partial<MiouPlotOptions> = {}): Uint8Array {
  return encodeRgbPng(renderMiouPlot(curves, options));
}
