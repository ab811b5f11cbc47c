import type { FloatMap } from '../image/float-map';
import { LazyFloatMap } from '../image/lazy-float-map';
import type { BinaryMask } from '../mask/binary-mask';
import type { ObjectState } from './object-state';
import type { Roi } from '../image/roi';

/** Where the time of one {@link ClickPredictor.predict} call went, in milliseconds. */
export interface PredictorTiming {
  /** The whole call. */
  readonly totalMs: number;
  /** Inside the model's `run` (onnxruntime), including tensor creation and output transfer. */
  readonly modelMs: number;
  /** Zoom-in, crop and resize to S x S, click disks, flip copies. */
  readonly preprocessMs: number;
  /** Flip averaging, sigmoid, resize back to the ROI, boundary refinement, new state. */
  readonly postprocessMs: number;
  /** The boundary refinement's own part of `postprocessMs` (the guided filter); 0 when it did not run. */
  readonly refinementMs: number;
}

/** The outcome of one click. */
export interface PredictionResult {
  /** The object's new immutable state: pass it to the next `predict` for this object. */
  readonly state: ObjectState;
  /** The zoom-in ROI this prediction used (full-image pixels, inclusive). */
  readonly roi: Roi;
  /**
   * Object probabilities at full image size (values in [0, 1], 0 outside the ROI). Built on first access of
   * `data` (a full-size buffer, 8 MB for 2 megapixels); use {@link toMask}, or the `state`'s
   * `probabilityAt`/`foregroundBox`, to avoid it.
   */
  readonly probabilities: FloatMap;
  /**
   * The mask at full image size; `threshold` defaults to the predictor's `maskThreshold`. Reruns nothing.
   * With `into`, writes into that mask and returns it: see {@link ObjectState.toMask} (reusing one buffer
   * per object makes the mask cost follow the object's region, not the image's size).
   */
  toMask(threshold?: number, into?: BinaryMask): BinaryMask;
  readonly timing: PredictorTiming;
}

/**
 * A full-size {@link FloatMap} of a state that builds its buffer only when `data` is first read (see
 * {@link LazyFloatMap}).
 */
export class LazyProbabilityMap extends LazyFloatMap {
  constructor(state: ObjectState) {
    super(state.imageWidthPx, state.imageHeightPx, () => state.toProbabilityMap().data);
  }
}
