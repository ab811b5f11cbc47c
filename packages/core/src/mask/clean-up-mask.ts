import { InvalidArgumentError } from '../errors';
import type { Click } from '../clicks/click';
import { assertAreaPx, assertBinaryMask } from './assert-mask';
import type { BinaryMask } from './binary-mask';
import { DEFAULT_CONNECTIVITY, assertConnectivity } from './connected-components';
import type { Connectivity } from './connected-components';
import { fillHoles } from './fill-holes';
import { keepClickedComponents, keepLargestComponent } from './keep-components';
import { removeIslands } from './remove-islands';

/** Which components {@link cleanUpMask} keeps. */
export type KeepComponents = 'all' | 'largest' | 'clicked';

/** Options of {@link cleanUpMask}. Each step is off unless asked for. */
export interface MaskCleanUpOptions {
  /**
   * `'all'` keeps every component; `'largest'` the largest; `'clicked'` those under a positive click (the
   * largest when no positive click lies on the mask); `'clicked'` needs `clicks`.
   */
  readonly keep: KeepComponents;
  /** Clicks for `keep: 'clicked'`, in full-image pixels. */
  readonly clicks?: readonly Click[];
  /** Components of at most this many pixels are removed (0: none). */
  readonly removeIslandsMaxAreaPx: number;
  /** Holes of at most this many pixels are filled (0: none, `Infinity`: all). */
  readonly fillHolesMaxAreaPx: number;
  /** Pixel connectivity of the objects (holes use the other one). */
  readonly connectivity: Connectivity;
}

/** Defaults of {@link MaskCleanUpOptions}: change nothing. */
export const DEFAULT_MASK_CLEAN_UP_OPTIONS: Readonly<MaskCleanUpOptions> = Object.freeze({
  keep: 'all',
  removeIslandsMaxAreaPx: 0,
  fillHolesMaxAreaPx: 0,
  connectivity: DEFAULT_CONNECTIVITY,
});

/**
 * The usual clean-up of a predicted mask, in this order: keep components (`keep`), remove small islands, fill
 * small holes. Returns a new mask (values 0/1); the input is not changed. All options are checked first.
 */
export function cleanUpMask(mask: BinaryMask, options: Partial<MaskCleanUpOptions> = {}): BinaryMask {
  const { keep, clicks, removeIslandsMaxAreaPx, fillHolesMaxAreaPx, connectivity } = {
    ...DEFAULT_MASK_CLEAN_UP_OPTIONS,
    ...options,
  };
  assertBinaryMask(mask);
  assertConnectivity(connectivity);
  assertAreaPx(removeIslandsMaxAreaPx, 'removeIslandsMaxAreaPx', true);
  assertAreaPx(fillHolesMaxAreaPx, 'fillHolesMaxAreaPx', true);
  if (keep !== 'all' && keep !== 'largest' && keep !== 'clicked') {
    throw new InvalidArgumentError(`keep must be 'all', 'largest' or 'clicked', got ${String(keep)}`);
  }
  if (keep === 'clicked' && clicks === undefined) {
    throw new InvalidArgumentError("keep: 'clicked' needs the clicks option");
  }

  let result: BinaryMask = mask;
  if (keep === 'largest') result = keepLargestComponent(result, { connectivity });
  if (keep === 'clicked') result = keepClickedComponents(result, clicks ?? [], { connectivity, fallback: 'largest' });
  if (removeIslandsMaxAreaPx > 0) result = removeIslands(result, { maxAreaPx: removeIslandsMaxAreaPx, connectivity });
  if (fillHolesMaxAreaPx > 0) result = fillHoles(result, { maxAreaPx: fillHolesMaxAreaPx, connectivity });
  if (result === mask) {
    const data = new Uint8Array(mask.data.length);
    for (let i = 0; i < data.length; i++) data[i] = mask.data[i] !== 0 ? 1 : 0;
    result = { width: mask.width, height: mask.height, data };
  }
  return result;
}
