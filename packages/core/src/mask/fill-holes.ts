import type { BinaryMask } from './binary-mask';
import { assertAreaPx, assertBinaryMask } from './assert-mask';
import { DEFAULT_CONNECTIVITY, assertConnectivity, labelRuns } from './connected-components';
import type { Connectivity } from './connected-components';

/** Options of {@link fillHoles}. */
export interface FillHolesOptions {
  /** Holes with at most this many pixels are filled; `Infinity` (default) fills every hole. */
  readonly maxAreaPx: number;
  /**
   * Connectivity of the foreground, default {@link DEFAULT_CONNECTIVITY}. Holes are the background components
   * under the other connectivity (4 for 8-connected objects) that do not touch the image border.
   */
  readonly connectivity: Connectivity;
}

/** Defaults of {@link FillHolesOptions}: fill all holes of 8-connected objects. */
export const DEFAULT_FILL_HOLES_OPTIONS: Readonly<FillHolesOptions> = Object.freeze({
  maxAreaPx: Infinity,
  connectivity: DEFAULT_CONNECTIVITY,
});

/**
 * Fills holes: background regions enclosed by foreground (not connected to the image border) of at most
 * `maxAreaPx` pixels become foreground. Returns a new mask with values 0/1.
 */
export function fillHoles(mask: BinaryMask, options: Partial<FillHolesOptions> = {}): BinaryMask {
  assertBinaryMask(mask);
  const { maxAreaPx, connectivity } = { ...DEFAULT_FILL_HOLES_OPTIONS, ...options };
  assertConnectivity(connectivity);
  assertAreaPx(maxAreaPx, 'maxAreaPx', true);
  const { width, height } = mask;
  if (width === 0 || height === 0) return { width, height, data: new Uint8Array(0) };
  const background = labelRuns(mask, connectivity === 8 ? 4 : 8, false);
  const { rowFirstRun, runStart, runEnd, runLabel } = background;
  const fill = new Uint8Array(background.count + 1);
  for (let label = 1; label <= background.count; label++) fill[label] = background.areasPx[label] <= maxAreaPx ? 1 : 0;
  // Background components that touch the border are outside, not holes.
  for (let run = 0; run < runLabel.length; run++) {
    if (runStart[run] === 0 || runEnd[run] === width) fill[runLabel[run]] = 0;
  }
  for (const y of [0, height - 1]) {
    for (let run = rowFirstRun[y]; run < rowFirstRun[y + 1]; run++) fill[runLabel[run]] = 0;
  }
  const data = new Uint8Array(width * height);
  const source = mask.data;
  for (let i = 0; i < data.length; i++) data[i] = source[i] !== 0 ? 1 : 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let run = rowFirstRun[y]; run < rowFirstRun[y + 1]; run++) {
      if (fill[runLabel[run]] === 1) data.fill(1, row + runStart[run], row + runEnd[run]);
    }
  }
  return { width, height, data };
}
