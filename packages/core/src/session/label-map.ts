import { InvalidArgumentError } from '../errors';
import { forEachRunAbove, type ProbabilityCrop } from './probability-crop';
import type { LabelMapOverlap } from './session-options';

/** Largest object id a label map can hold (Uint16). */
export const MAX_OBJECT_ID = 65535;

/**
 * One value per pixel, row-major: 0 for background, else the id of the object shown there
 * (the value at row `y`, column `x` is `data[y * width + x]`).
 */
export interface LabelMap {
  readonly width: number;
  readonly height: number;
  /** Uint8Array when every id fits in 8 bits (or when asked), else Uint16Array. */
  readonly data: Uint8Array | Uint16Array;
  /** The ids of every object drawn, in drawing order (an id may be absent from `data` if covered or empty). */
  readonly objectIds: readonly number[];
}

/** Options of `getLabelMap`. */
export interface LabelMapOptions {
  /** Element type of `data`; 'auto' (the default) picks uint8 when every id is at most 255. */
  readonly dataType?: 'auto' | 'uint8' | 'uint16';
}

/** One object to draw. */
export interface LabelMapLayer {
  readonly id: number;
  readonly probabilities: ProbabilityCrop | undefined;
}

/** Draws `layers` (in order) thresholded at `threshold` into a new label map. */
export function buildLabelMap(
  width: number,
  height: number,
  layers: readonly LabelMapLayer[],
  threshold: number,
  overlap: LabelMapOverlap,
  options: LabelMapOptions = {},
): LabelMap {
  const dataType = options.dataType ?? 'auto';
  const maxId = layers.reduce((max, layer) => Math.max(max, layer.id), 0);
  let useUint8: boolean;
  if (dataType === 'auto') {
    useUint8 = maxId <= 255;
  } else if (dataType === 'uint8') {
    if (maxId > 255) throw new InvalidArgumentError(`object id ${maxId} does not fit a uint8 label map`);
    useUint8 = true;
  } else if (dataType === 'uint16') {
    useUint8 = false;
  } else {
    throw new InvalidArgumentError(`dataType must be 'auto', 'uint8' or 'uint16', got ${String(dataType)}`);
  }
  const data = useUint8 ? new Uint8Array(width * height) : new Uint16Array(width * height);
  const laterOnTop = overlap === 'later-on-top';
  for (const layer of layers) {
    forEachRunAbove(layer.probabilities, width, threshold, (start, end) => {
      if (laterOnTop) {
        data.fill(layer.id, start, end);
        return;
      }
      for (let index = start; index < end; index++) if (data[index] === 0) data[index] = layer.id;
    });
  }
  return { width, height, data, objectIds: Object.freeze(layers.map((layer) => layer.id)) };
}
