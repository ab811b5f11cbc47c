import { InvalidArgumentError, InvalidClickError } from '../errors';
import type { Click } from '../clicks/click';
import { assertBinaryMask } from './assert-mask';
import type { BinaryMask } from './binary-mask';
import { DEFAULT_CONNECTIVITY, assertConnectivity, labelRuns, maskFromRuns, runLabelAt } from './connected-components';
import type { Connectivity } from './connected-components';

/** What {@link keepClickedComponents} keeps when no positive click lies on the foreground. */
export type NoClickedComponentFallback = 'largest' | 'all' | 'none';

/** Options of {@link keepClickedComponents} and {@link keepLargestComponent}. */
export interface KeepComponentsOptions {
  /** Pixel connectivity of the components, default {@link DEFAULT_CONNECTIVITY}. */
  readonly connectivity: Connectivity;
  /**
   * When no positive click lies on a foreground pixel: keep the largest component (default), keep the mask as
   * it is (`'all'`), or return an empty mask (`'none'`).
   */
  readonly fallback: NoClickedComponentFallback;
}

/** Defaults of {@link KeepComponentsOptions}. */
export const DEFAULT_KEEP_COMPONENTS_OPTIONS: Readonly<KeepComponentsOptions> = Object.freeze({
  connectivity: DEFAULT_CONNECTIVITY,
  fallback: 'largest',
});

/**
 * The pixel a click falls in: column `floor(xPx)`, row `floor(yPx)` (clicks are in the pixel-corner frame,
 * where pixel (c, r) covers [c, c+1) x [r, r+1)). Throws {@link InvalidClickError} outside the image.
 * @internal
 */
function clickPixelIndex(click: Click, width: number, height: number): number {
  const column = Math.floor(click.xPx);
  const row = Math.floor(click.yPx);
  if (
    !Number.isFinite(click.xPx) ||
    !Number.isFinite(click.yPx) ||
    column < 0 ||
    row < 0 ||
    column >= width ||
    row >= height
  ) {
    throw new InvalidClickError(`click (${click.xPx}, ${click.yPx}) lies outside the ${width} x ${height} mask`);
  }
  return row * width + column;
}

/**
 * Keeps the connected components that hold at least one positive click (negative clicks are ignored) and
 * clears the rest. Returns a new mask; the input is not changed.
 */
export function keepClickedComponents(
  mask: BinaryMask,
  clicks: readonly Click[],
  options: Partial<KeepComponentsOptions> = {},
): BinaryMask {
  const { connectivity, fallback } = { ...DEFAULT_KEEP_COMPONENTS_OPTIONS, ...options };
  assertConnectivity(connectivity);
  if (fallback !== 'largest' && fallback !== 'all' && fallback !== 'none') {
    throw new InvalidArgumentError(`fallback must be 'largest', 'all' or 'none', got ${String(fallback)}`);
  }
  // `satisfies unknown`: Array.isArray(x) itself would narrow a readonly T[] to any[] (its declared guard).
  if (!Array.isArray(clicks satisfies unknown)) throw new InvalidArgumentError('clicks must be an array');
  assertBinaryMask(mask);
  const clickIndices = clicks.map((click) => clickPixelIndex(click, mask.width, mask.height));
  const components = labelRuns(mask, connectivity, true);
  const keep = new Uint8Array(components.count + 1);
  let kept = 0;
  clicks.forEach((click, k) => {
    const column = clickIndices[k] % mask.width;
    const label = runLabelAt(components, column, (clickIndices[k] - column) / mask.width);
    if (click.isPositive && label !== 0 && keep[label] === 0) {
      keep[label] = 1;
      kept++;
    }
  });
  if (kept === 0) {
    if (fallback === 'all')
      return { width: mask.width, height: mask.height, data: mask.data.map((v) => (v !== 0 ? 1 : 0)) };
    if (fallback === 'largest') {
      const largest = largestLabel(components.areasPx);
      if (largest !== 0) keep[largest] = 1;
    }
  }
  return maskFromRuns(components, keep);
}

/**
 * Keeps only the largest connected component (the first in raster order on ties). An empty mask stays empty.
 * Returns a new mask.
 */
export function keepLargestComponent(
  mask: BinaryMask,
  options: Partial<Pick<KeepComponentsOptions, 'connectivity'>> = {},
): BinaryMask {
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  assertConnectivity(connectivity);
  assertBinaryMask(mask);
  const components = labelRuns(mask, connectivity, true);
  const keep = new Uint8Array(components.count + 1);
  const largest = largestLabel(components.areasPx);
  if (largest !== 0) keep[largest] = 1;
  return maskFromRuns(components, keep);
}

function largestLabel(areasPx: Uint32Array): number {
  let best = 0;
  for (let label = 1; label < areasPx.length; label++) {
    if (areasPx[label] > areasPx[best]) best = label;
  }
  return best;
}
