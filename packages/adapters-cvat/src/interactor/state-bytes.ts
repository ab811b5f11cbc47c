import type { ObjectState } from '@simpleclick/core';

/** Fixed cost counted per state (object headers, ROI boxes). */
const STATE_OVERHEAD_BYTES = 256;
/** Per resized row or column: the bilinear axis weights a resized state keeps (indices and fractions). */
const AXIS_WEIGHT_BYTES = 16;

/**
 * About how many bytes an {@link ObjectState} holds, for the state cache's budget. A state keeps either the
 * float32 probabilities of its region or the network's S x S probabilities plus resize weights (at most about
 * 800 KB at S = 448, whatever the image size). Reads only sizes: never builds a state's lazy arrays.
 */
export function estimateStateBytes(state: ObjectState): number {
  const region = state.probabilityRegion;
  if (region === null) return STATE_OVERHEAD_BYTES;
  const resized = state.resizedRegionProbabilities;
  if (resized !== null) {
    return STATE_OVERHEAD_BYTES + resized.source.data.byteLength + (resized.width + resized.height) * AXIS_WEIGHT_BYTES;
  }
  const areaPx = (region.rowMax - region.rowMin + 1) * (region.colMax - region.colMin + 1);
  return STATE_OVERHEAD_BYTES + areaPx * Float32Array.BYTES_PER_ELEMENT;
}
