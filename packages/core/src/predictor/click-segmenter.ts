import type { Click } from '../clicks/click';
import type { FloatMap } from '../image/float-map';
import type { ResizedFloatMap } from '../image/resized-float-map';
import type { RgbImage } from '../image/rgb-image';
import type { Roi } from '../image/roi';

/**
 * The SDK's one "predict from clicks" contract: what a {@link SegmentationSession} and the NoC evaluation
 * (`evaluateDataset` of `@simpleclick/core/eval`) need from a per-click predictor, so that both run with the SDK's
 * ClickPredictor or with any other segmenter (a fake with known outputs in tests, a remote model behind an HTTP
 * call).
 *
 * States are opaque to the session and must be immutable: the session keeps old states for undo and passes
 * them back to {@link ClickSegmenter.predict} later, so a segmenter must never change a state it returned.
 *
 * @typeParam TState - The segmenter's per-object state (previous probabilities, zoom-in ROI, ...).
 */
export interface ClickSegmenter<TState = unknown> {
  /**
   * Segments one object from all its clicks so far, in order (the last one is the new click), refined by the
   * state the previous call returned for this object (`undefined` for the object's first click when it did
   * not start from a mask).
   *
   * @returns The new state and the probabilities at full image size (values in [0, 1]).
   */
  predict(
    image: RgbImage,
    clicks: readonly Click[],
    previousState: TState | undefined,
  ): Promise<ClickSegmenterResult<TState>>;

  /**
   * Optional. A state whose previous probabilities are `probabilities` (full image size, values in [0, 1])
   * and which has no zoom-in ROI yet: the start of an object edited from an imported mask (SimpleClick feeds
   * the previous mask to the network, so this is how an existing mask is refined). Without it the session
   * cannot import masks or restore snapshots without replaying clicks.
   */
  stateFromProbabilities?(image: RgbImage, probabilities: FloatMap): TState;

  /**
   * Optional. Does the work for `image` that does not depend on clicks ahead of the first click, so that the
   * first click answers sooner (ClickPredictor resizes the whole image to the network input: the ROI of every
   * object's first click). It must not change any result. {@link SegmentationSession.create} awaits it once,
   * after checking its arguments, and ignores its failure: the first click then does the work (and reports any
   * real problem).
   */
  prepareImage?(image: RgbImage): Promise<void>;

  /**
   * Optional. Drops whatever the segmenter caches for `image` (ClickPredictor keeps the resized crop of the last
   * image, which references its pixels). Called by a session that does not own the segmenter when it closes,
   * so a shared segmenter does not keep a closed session's image alive. It must not change any result.
   */
  releaseImage?(image: RgbImage): void;

  /** Optional. Frees what the segmenter holds (model sessions, tensors). Called by the session only when it owns the segmenter. */
  close?(): Promise<void> | void;
}

/** What {@link ClickSegmenter.predict} resolves with. */
export interface ClickSegmenterResult<TState = unknown> {
  /** The new immutable state of the object, to pass to the next call. */
  readonly state: TState;
  /**
   * Object probabilities at full image size, values in [0, 1]. The session copies what it keeps. It reads
   * `probabilities.data` only when the state does not expose its probabilities
   * (`StateWithProbabilityRegion`), so a segmenter may build `data` lazily (ClickPredictor does).
   */
  readonly probabilities: FloatMap;
}

/**
 * Optional protocol of segmenter states (the SDK's ObjectState follows it): the state exposes its
 * probabilities as a region outside which they are 0, in an array never written after creation, or as a map
 * resized on demand (`resizedRegionProbabilities`). The session then keeps a reference to that region for undo,
 * re-thresholding and export instead of a copy of its own, and never has the full-size map built for its
 * history. States that do not follow it cost one copy of the non-zero bounding box of `probabilities` per state.
 */
export interface StateWithProbabilityRegion {
  /** Size of the image the state belongs to. */
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  /** Probabilities are 0 outside this box (inclusive bounds); `null` when they are 0 everywhere. */
  readonly probabilityRegion: Roi | null;
  /** Row-major float32 values inside `probabilityRegion`; `null` with it. Never modified. */
  readonly regionProbabilities: Float32Array | null;
  /**
   * Optional: the values inside `probabilityRegion` as a map of the region's size whose values are computed
   * where they are read (ObjectState keeps large ROIs at the network's S x S resolution). When present and of
   * the region's size, the session uses it and never reads `regionProbabilities`.
   */
  readonly resizedRegionProbabilities?: ResizedFloatMap | null;
}
