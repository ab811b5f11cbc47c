import type { FloatMap } from '../image/float-map';
import type { BinaryMask } from '../mask/binary-mask';
import type { ObjectState } from './object-state';
import type { Roi } from './roi';

/** Where the time of one {@link ClickPredictor.predict} call went, in milliseconds. */
export interface PredictorTiming {
  /** The whole call. */
  readonly totalMs: number;
  /** Inside the model's `run` (onnxruntime), including tensor creation and output transfer. */
  readonly modelMs: number;
  /** Zoom-in, crop and resize to S x S, click disks, flip copies. */
  readonly preprocessMs: number;
  /** Flip averaging, sigmoid, resize back to the ROI, new state. */
  readonly postprocessMs: number;
}

/** The outcome of one click. */
export interface PredictionResult {
  /** The object's new immutable state: pass it to the next `predict` for this object. */
  readonly state: ObjectState;
  /** The zoom-in ROI this prediction used (full-image pixels, inclusive). */
  readonly roi: Roi;
  /**
   * Object probabilities at full image size (values in [0, 1], 0 outside the ROI). Built on first access of
   * `data` (a full-size buffer); use `state` or {@link toMask} to avoid it.
   */
  readonly probabilities: FloatMap;
  /** The mask at full image size; `threshold` defaults to the predictor's `maskThreshold`. Reruns nothing. */
  toMask(threshold?: number): BinaryMask;
  readonly timing: PredictorTiming;
}

/**
 * A full-size {@link FloatMap} of a state that allocates its buffer only when `data` is first read.
 * `data` is an own enumerable getter, so spreading or cloning the map copies real values.
 */
export class LazyProbabilityMap implements FloatMap {
  readonly width: number;
  readonly height: number;
  declare readonly data: Float32Array;

  constructor(state: ObjectState) {
    this.width = state.imageWidthPx;
    this.height = state.imageHeightPx;
    let data: Float32Array | undefined;
    Object.defineProperty(this, 'data', {
      enumerable: true,
      get: () => (data ??= state.toProbabilityMap().data),
    });
  }
}
