import type { Click } from '../clicks/click';
import { InvalidArgumentError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import { DEFAULT_THRESHOLD_OPTIONS, thresholdProbabilities } from '../mask/threshold-probabilities';
import type { Roi } from '../predictor/roi';
import type { ClickSegmenter, ClickSegmenterResult } from '../session/click-segmenter';
import type { ObjectPrediction, ObjectSegmenter, Segmenter } from './segmenter';

/** Options of {@link createPredictorSegmenter}. */
export interface PredictorSegmenterOptions {
  /** Mask = probability > threshold, compared in float32 (official `pred_thr`: 0.49). */
  readonly maskThreshold: number;
}

/** The official evaluation threshold. */
export const DEFAULT_PREDICTOR_SEGMENTER_OPTIONS: PredictorSegmenterOptions = Object.freeze({
  maskThreshold: DEFAULT_THRESHOLD_OPTIONS.threshold,
});

/** A result that may carry more than {@link ClickSegmenterResult} (the SDK's ClickPredictor adds both). */
type RicherResult<TState> = ClickSegmenterResult<TState> & {
  readonly roi?: Roi;
  toMask?(threshold?: number): BinaryMask;
};

/**
 * Adapts a per-click predictor (the SDK's `ClickPredictor`, or any {@link ClickSegmenter}) to the evaluation's
 * {@link Segmenter}: per object it starts from an empty state, calls `predict(image, clicks, previousState)`
 * after each click, keeps the returned state for the next one and thresholds the probabilities. The ROI of each
 * click is recorded when the result reports one.
 *
 * @example
 * ```ts
 * const predictor = await ClickPredictor.create(await createNodeModel(modelPath), { preset: 'parity' });
 * const result = await evaluateDataset(await openDataset('GrabCut', dataRoot), createPredictorSegmenter(predictor));
 * console.log(formatResultsTable(result));
 * ```
 * @throws InvalidArgumentError for a threshold outside [0, 1].
 */
export function createPredictorSegmenter<TState>(
  predictor: ClickSegmenter<TState>,
  options: Partial<PredictorSegmenterOptions> = {},
): Segmenter {
  const { maskThreshold } = { ...DEFAULT_PREDICTOR_SEGMENTER_OPTIONS, ...options };
  if (!(maskThreshold >= 0 && maskThreshold <= 1)) {
    throw new InvalidArgumentError(`maskThreshold must be in [0, 1], got ${maskThreshold}`);
  }
  return {
    beginObject(image: RgbImage): ObjectSegmenter {
      let state: TState | undefined;
      return {
        async predict(clicks: readonly Click[]): Promise<ObjectPrediction> {
          // An object with no pixel to click (empty ground truth, or all of it ignored) gets only negative
          // clicks from the simulator. The SDK refuses those (NoPositiveClickError: no object chosen); its answer
          // to "nothing chosen" is the empty mask, so the evaluation records that instead of stopping.
          if (state === undefined && !clicks.some((click) => click.isPositive)) {
            return { mask: createBinaryMask(image.width, image.height) };
          }
          const result = (await predictor.predict(image, clicks, state)) as RicherResult<TState>;
          state = result.state;
          const mask =
            typeof result.toMask === 'function'
              ? result.toMask(maskThreshold)
              : thresholdProbabilities(result.probabilities, { threshold: maskThreshold });
          return result.roi ? { mask, roi: result.roi } : { mask };
        },
        end() {
          state = undefined;
        },
      };
    },
  };
}
