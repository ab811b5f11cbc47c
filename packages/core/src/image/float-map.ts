/**
 * A single-channel float32 raster, row-major: the value at row `y`, column `x` is `data[y * width + x]`.
 * Used for probability maps (values in [0, 1]) and logits.
 */
export interface FloatMap {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Values, length `width * height`. */
  readonly data: Float32Array;
}

/** A zero-filled map of the given size. */
export function createFloatMap(width: number, height: number): FloatMap {
  return { width, height, data: new Float32Array(width * height) };
}
