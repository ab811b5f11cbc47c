import { InvalidArgumentError } from '../errors';
import type { FloatMap } from '../image/float-map';
import { assertFloatMap } from './assert-mask';
import type { BinaryMask } from './binary-mask';

/** Options of {@link thresholdProbabilities}. */
export interface ThresholdOptions {
  /**
   * A pixel is foreground when its probability is strictly greater than this value, compared in float32 like
   * the official predictor (`pred > 0.49` on a float32 numpy array). Must be finite.
   */
  readonly threshold: number;
}

/**
 * The official mask threshold (`pred_thr=0.49` of the SimpleClick evaluation): a pixel is object when its
 * probability is above float32(0.49). The one default of every threshold in the SDK: the parity preset's
 * `maskThreshold`, sessions, {@link ObjectState.toMask}, the evaluation and {@link thresholdProbabilities}.
 */
export const DEFAULT_MASK_THRESHOLD = 0.49;

/**
 * Thresholds a probability map into a {@link BinaryMask}: `1` where `p > threshold`, else `0` (NaN gives `0`).
 *
 * The threshold is rounded to float32 first (`Math.fround`), because numpy compares a float32 array with a
 * Python float in float32; comparing against the float64 value would differ for a probability equal to
 * `fround(threshold)` whenever that lies above the float64 threshold.
 */
export function thresholdProbabilities(probabilities: FloatMap, options: Partial<ThresholdOptions> = {}): BinaryMask {
  assertFloatMap(probabilities);
  const threshold = options.threshold ?? DEFAULT_MASK_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new InvalidArgumentError(`threshold must be a finite number, got ${String(threshold)}`);
  }
  const threshold32 = Math.fround(threshold);
  const { width, height, data: values } = probabilities;
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    data[i] = values[i] > threshold32 ? 1 : 0;
  }
  return { width, height, data };
}
