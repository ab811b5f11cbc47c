import type { Click } from '../clicks/click';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from '../predictor/roi';

/** What a segmenter returns after a click. */
export interface ObjectPrediction {
  /** The predicted object mask at full image size, 1 = object. */
  readonly mask: BinaryMask;
  /** The zoom-in region used for this click, if the segmenter has one (recorded in the per-object results). */
  readonly roi?: Roi;
}

/**
 * One object being segmented: the evaluation calls {@link ObjectSegmenter.predict} after every click with all
 * clicks so far, then {@link ObjectSegmenter.end} once.
 */
export interface ObjectSegmenter {
  /** Prediction after `clicks` (oldest first; the newest is the last). */
  predict(clicks: readonly Click[]): Promise<ObjectPrediction> | ObjectPrediction;
  /** Releases per-object state. Optional. */
  end?(): Promise<void> | void;
}

/**
 * Anything the evaluation can drive: it starts a fresh object (empty previous prediction) on an image.
 * {@link createPredictorSegmenter} adapts the SDK's click predictor; tests use fakes.
 */
export interface Segmenter {
  beginObject(image: RgbImage): Promise<ObjectSegmenter> | ObjectSegmenter;
}
