import type { Click } from '../clicks/click';
import { nowMs } from '../clock';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import type { Roi } from '../image/roi';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import { computeIou } from '../mask/iou';
import { DEFAULT_MASK_THRESHOLD, thresholdProbabilities } from '../mask/threshold-probabilities';
import type { ClickSegmenter, ClickSegmenterResult } from '../predictor/click-segmenter';
import { ClickSimulator } from './click-simulator';
import type { EvalSample } from './eval-sample';
import {
  OFFICIAL_EARLY_STOP_IOU,
  OFFICIAL_IOU_THRESHOLDS,
  OFFICIAL_MAX_CLICKS,
  meanIouPerClick,
  numberOfClicks,
  summarizeNoc,
  type NocSummary,
} from './noc';

/** Options of {@link evaluateDataset}. */
export interface EvaluationOptions {
  /** Clicks per object at most (official: 20). */
  readonly maxClicks: number;
  /**
   * Stop clicking an object once its IoU (float64) reaches {@link EvaluationOptions.earlyStopIou} (official NoC
   * runs: on). Turn off to get full-length runs for mIoU-per-click curves; NoC values are the same either way.
   */
  readonly earlyStop: boolean;
  /** Early-stop IoU (official: 0.9). */
  readonly earlyStopIou: number;
  /** Never stop before this many clicks (official default: 1). */
  readonly minClicks: number;
  /** Thresholds of the NoC / NoF columns (official: 0.8, 0.8500000000000001, 0.9000000000000001). */
  readonly iouThresholds: readonly number[];
  /**
   * Mask = probability > maskThreshold, compared in float32 (official `pred_thr`: {@link DEFAULT_MASK_THRESHOLD}).
   * Pass the predictor's own (`predictor.options.maskThreshold`) to evaluate what its users see.
   */
  readonly maskThreshold: number;
  /** Name for the table and the plot; defaults to the dataset's `name`, else `dataset`. */
  readonly datasetName?: string;
  /** Clock in milliseconds; defaults to `performance.now()` where it exists, else `Date.now()`. */
  readonly now?: () => number;
  /** Called after each object, e.g. for progress output. */
  readonly onObject?: (result: ObjectResult, objectIndex: number) => void;
}

/** The official protocol: 20 clicks, early stop at IoU 0.9, NoC@80/85/90. */
export const DEFAULT_EVALUATION_OPTIONS: EvaluationOptions = Object.freeze({
  maxClicks: OFFICIAL_MAX_CLICKS,
  earlyStop: true,
  earlyStopIou: OFFICIAL_EARLY_STOP_IOU,
  minClicks: 1,
  iouThresholds: OFFICIAL_IOU_THRESHOLDS,
  maskThreshold: DEFAULT_MASK_THRESHOLD,
});

/** The protocol a result was produced with (recorded in the results JSON). */
export interface EvaluationProtocol {
  readonly maxClicks: number;
  readonly earlyStop: boolean;
  readonly earlyStopIou: number;
  readonly minClicks: number;
  readonly iouThresholds: readonly number[];
}

/** Result of one object. */
export interface ObjectResult {
  /** The sample id. */
  readonly id: string;
  readonly imageSource?: string;
  readonly maskSource?: string;
  /** Image size in pixels. */
  readonly width: number;
  readonly height: number;
  /** The simulated clicks, in order (integer pixel coordinates). */
  readonly clicks: readonly Click[];
  /** IoU (float64) after each click. */
  readonly ious: readonly number[];
  /** NoC per threshold of the protocol, same order. */
  readonly noc: readonly number[];
  /** ROI per click, when the segmenter reports one. */
  readonly rois?: readonly Roi[];
}

/** Dataset-level numbers: NoC statistics plus counts, timing and the mIoU curve. */
export interface EvaluationSummary extends NocSummary {
  readonly objectCount: number;
  /** Clicks made over all objects. */
  readonly clickCount: number;
  /** Wall time of the whole loop, image loading included, in seconds. */
  readonly elapsedSeconds: number;
  /** Seconds per click (SPC) = elapsedSeconds / clickCount; compare only between runs with early stop. */
  readonly secondsPerClick: number;
  /** Mean IoU after click 1, 2, ... (cut to the shortest run; see {@link meanIouPerClick}). */
  readonly meanIouPerClick: readonly number[];
}

/** Everything an evaluation run produced. */
export interface EvaluationResult {
  readonly datasetName: string;
  readonly protocol: EvaluationProtocol;
  readonly objects: readonly ObjectResult[];
  readonly summary: EvaluationSummary;
}

/**
 * The official automatic evaluation (RITM/SimpleClick `evaluate_dataset`): for every sample, start the segmenter
 * on a fresh object (no previous state), let the {@link ClickSimulator} click on the errors of the previous prediction (empty before the
 * first click), record the IoU after each click, stop at `maxClicks` or (early stop) at the target IoU; then compute
 * NoC / NoF per threshold, SPC and the mIoU-per-click curve.
 *
 * Samples are consumed one at a time, so a lazy dataset's image loading counts in the elapsed time, as in the
 * official loop.
 *
 * The segmenter is any {@link ClickSegmenter} (the SDK's `ClickPredictor`, or a fake): after each click it is
 * called with all clicks so far and the state it returned for the previous one; its probabilities are thresholded
 * at `maskThreshold` (through the result's `toMask` when it has one, as ClickPredictor's does), and the ROI of each
 * click is recorded when the result reports one (`roi`).
 *
 * @example
 * ```ts
 * const predictor = await ClickPredictor.create(await createNodeModel(modelPath), { preset: 'parity' });
 * const result = await evaluateDataset(await openDataset('GrabCut', dataRoot), predictor);
 * console.log(formatResultsTable(result));
 * ```
 * @throws InvalidArgumentError for bad options or an empty dataset; InvalidMaskError when a sample's masks or a
 *   prediction do not match the image size. Errors thrown by the segmenter propagate.
 */
export async function evaluateDataset<TState>(
  samples: AsyncIterable<EvalSample> | Iterable<EvalSample>,
  segmenter: ClickSegmenter<TState>,
  options: Partial<EvaluationOptions> = {},
): Promise<EvaluationResult> {
  const resolved: EvaluationOptions = { ...DEFAULT_EVALUATION_OPTIONS, ...options };
  validateOptions(resolved);
  const protocol: EvaluationProtocol = {
    maxClicks: resolved.maxClicks,
    earlyStop: resolved.earlyStop,
    earlyStopIou: resolved.earlyStopIou,
    minClicks: resolved.minClicks,
    iouThresholds: [...resolved.iouThresholds],
  };
  const datasetName = resolved.datasetName ?? nameOf(samples) ?? 'dataset';
  const now = resolved.now ?? nowMs;

  const objects: ObjectResult[] = [];
  const startMs = now();
  for await (const sample of samples) {
    const result = await evaluateObject(sample, segmenter, protocol, resolved.maskThreshold);
    objects.push(result);
    resolved.onObject?.(result, objects.length - 1);
  }
  const elapsedSeconds = (now() - startMs) / 1000;
  if (objects.length === 0) throw new InvalidArgumentError(`dataset ${datasetName} yielded no sample`);

  const allIous = objects.map((object) => object.ious);
  const clickCount = allIous.reduce((sum, ious) => sum + ious.length, 0);
  const summary: EvaluationSummary = {
    ...summarizeNoc(allIous, protocol.iouThresholds, protocol.maxClicks),
    objectCount: objects.length,
    clickCount,
    elapsedSeconds,
    secondsPerClick: elapsedSeconds / clickCount,
    meanIouPerClick: meanIouPerClick(allIous),
  };
  return { datasetName, protocol, objects, summary };
}

/**
 * Clicks one object until the protocol stops; see {@link evaluateDataset}.
 *
 * @throws InvalidArgumentError for a `maskThreshold` outside [0, 1].
 */
export async function evaluateObject<TState>(
  sample: EvalSample,
  segmenter: ClickSegmenter<TState>,
  protocol: EvaluationProtocol = DEFAULT_EVALUATION_OPTIONS,
  maskThreshold: number = DEFAULT_MASK_THRESHOLD,
): Promise<ObjectResult> {
  validateMaskThreshold(maskThreshold);
  const { image, gt, ignore } = sample;
  if (gt.width !== image.width || gt.height !== image.height) {
    throw new InvalidMaskError(
      `sample ${sample.id}: ground truth is ${gt.width} x ${gt.height}, image is ${image.width} x ${image.height}`,
    );
  }
  const simulator = ClickSimulator.create(gt, ignore);
  let state: TState | undefined;
  let prediction: BinaryMask = createBinaryMask(gt.width, gt.height);
  const ious: number[] = [];
  const rois: Roi[] = [];
  for (let clickIndex = 0; clickIndex < protocol.maxClicks; clickIndex++) {
    simulator.addNextClick(prediction);
    const output = await predictMask(segmenter, image, simulator.clicks, state, maskThreshold);
    state = output.state;
    prediction = output.mask;
    if (output.roi) rois.push(output.roi);
    const iou = computeIou(gt, prediction, ignore);
    ious.push(iou);
    if (protocol.earlyStop && iou >= protocol.earlyStopIou && clickIndex + 1 >= protocol.minClicks) break;
  }
  return {
    id: sample.id,
    ...(sample.imageSource !== undefined ? { imageSource: sample.imageSource } : {}),
    ...(sample.maskSource !== undefined ? { maskSource: sample.maskSource } : {}),
    width: gt.width,
    height: gt.height,
    clicks: simulator.clicks.map((click) => ({ ...click })),
    ious,
    noc: protocol.iouThresholds.map((threshold) => numberOfClicks(ious, threshold, protocol.maxClicks)),
    ...(rois.length === ious.length && rois.length > 0 ? { rois } : {}),
  };
}

/** A result that may carry more than {@link ClickSegmenterResult} (the SDK's ClickPredictor adds both). */
type RicherResult<TState> = ClickSegmenterResult<TState> & {
  readonly roi?: Roi;
  toMask?(threshold?: number): BinaryMask;
};

/** The segmenter's mask after `clicks` and the state to pass with the next click. */
async function predictMask<TState>(
  segmenter: ClickSegmenter<TState>,
  image: RgbImage,
  clicks: readonly Click[],
  state: TState | undefined,
  maskThreshold: number,
): Promise<{ mask: BinaryMask; roi?: Roi; state: TState | undefined }> {
  // An object with no pixel to click (empty ground truth, or all of it ignored) gets only negative clicks from
  // the simulator. The SDK refuses those (NoPositiveClickError: no object chosen); its answer to "nothing chosen"
  // is the empty mask, so the evaluation records that instead of stopping.
  if (state === undefined && !clicks.some((click) => click.isPositive)) {
    return { mask: createBinaryMask(image.width, image.height), state };
  }
  const result = (await segmenter.predict(image, clicks, state)) as RicherResult<TState>;
  const mask =
    typeof result.toMask === 'function'
      ? result.toMask(maskThreshold)
      : thresholdProbabilities(result.probabilities, { threshold: maskThreshold });
  return result.roi ? { mask, roi: result.roi, state: result.state } : { mask, state: result.state };
}

function validateMaskThreshold(maskThreshold: number): void {
  if (!(maskThreshold >= 0 && maskThreshold <= 1)) {
    throw new InvalidArgumentError(`maskThreshold must be in [0, 1], got ${maskThreshold}`);
  }
}

function validateOptions(options: EvaluationOptions): void {
  const { maxClicks, minClicks, earlyStopIou, iouThresholds } = options;
  validateMaskThreshold(options.maskThreshold);
  if (!Number.isInteger(maxClicks) || maxClicks < 1) {
    throw new InvalidArgumentError(`maxClicks must be a positive integer, got ${maxClicks}`);
  }
  if (!Number.isInteger(minClicks) || minClicks < 1 || minClicks > maxClicks) {
    throw new InvalidArgumentError(`minClicks must be an integer in [1, maxClicks=${maxClicks}], got ${minClicks}`);
  }
  if (!(earlyStopIou > 0)) throw new InvalidArgumentError(`earlyStopIou must be > 0, got ${earlyStopIou}`);
  if (iouThresholds.length === 0 || iouThresholds.some((t) => !(t > 0 && t <= 1))) {
    throw new InvalidArgumentError(
      `iouThresholds must be non-empty values in (0, 1], got [${iouThresholds.join(', ')}]`,
    );
  }
}

function nameOf(samples: unknown): string | undefined {
  const name = (samples as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}
