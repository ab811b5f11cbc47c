import type { BinaryMask } from './binary-mask';
import { assertAreaPx, assertBinaryMask } from './assert-mask';
import { DEFAULT_CONNECTIVITY, assertConnectivity, labelRuns, maskFromRuns } from './connected-components';
import type { Connectivity } from './connected-components';

/** Options of {@link removeIslands}. */
export interface RemoveIslandsOptions {
  /** Components with at most this many pixels are removed (a non-negative integer; 0 removes nothing). */
  readonly maxAreaPx: number;
  /** Pixel connectivity of the components, default {@link DEFAULT_CONNECTIVITY}. */
  readonly connectivity?: Connectivity;
}

/**
 * Removes the small foreground components ("islands", speckles): every connected component of at most
 * `maxAreaPx` pixels is cleared. Returns a new mask.
 */
export function removeIslands(mask: BinaryMask, options: RemoveIslandsOptions): BinaryMask {
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  assertConnectivity(connectivity);
  assertAreaPx(options.maxAreaPx, 'maxAreaPx', true);
  assertBinaryMask(mask);
  const components = labelRuns(mask, connectivity, true);
  const { areasPx } = components;
  const keep = new Uint8Array(areasPx.length);
  for (let label = 1; label < areasPx.length; label++) keep[label] = areasPx[label] > options.maxAreaPx ? 1 : 0;
  return maskFromRuns(components, keep);
}
