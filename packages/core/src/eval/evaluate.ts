import type { Click } from '../clicks/click';
import { InvalidArgumentError, InvalidMaskError } from '../errors';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import type { Roi } from '../predictor/roi';
import { ClickSimulator } from './click-simulator';
import type { EvalSample } from './eval-sample';
import { computeIou } from '../mask/iou';
import {
  OFFICIAL_EARLY_STOP_IOU,
  OFFICIAL_IOU_THRESHOLDS,
  OFFICIAL_MAX_CLICKS,
  meanIouPerClick,
  numberOfClicks,
  summarizeNoc,
  type NocSummary,
} from './noc';
import type { Segmenter } from './segmenter';

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
 * on a fresh object, let the {@link ClickSimulator} click on the errors of the previous prediction (empty before the
 * first click), record the IoU after each click, stop at `maxClicks` or (early stop) at the target IoU; then compute
 * NoC / NoF per threshold, SPC and the mIoU-per-click curve.
 *
 * Samples are consumed one at a time, so a lazy dataset's image loading counts in the elapsed time, as in the
 * official loop.
 *
 * @throws InvalidArgumentError for bad options or an empty dataset; InvalidMaskError when a sample's masks or a
 *   prediction do not match the image size. Errors thrown by the segmenter propagate.
 */
export async function evaluateDataset(
  samples: AsyncIterable<EvalSample> | Iterable<EvalSample>,
  segmenter: Segmenter,
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
  const now = resolved.now ?? defaultClock();

  const objects: ObjectResult[] = [];
  const startMs = now();
  for await (const sample of samples) {
    const result = await evaluateObject(sample, segmenter, protocol);
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

/** Clicks one object until the protocol stops; see {@link evaluateDataset}. */
export async function evaluateObject(
  sample: EvalSample,
  segmenter: Segmenter,
  protocol: EvaluationProtocol = DEFAULT_EVALUATION_OPTIONS,
): Promise<ObjectResult> {
  const { image, gt, ignore } = sample;
  if (gt.width !== image.width || gt.height !== image.height) {
    throw new InvalidMaskError(
      `sample ${sample.id}: ground truth is ${gt.width} x ${gt.height}, image is ${image.width} x ${image.height}`,
    );
  }
  const simulator = ClickSimulator.create(gt, ignore);
  const objectSegmenter = await segmenter.beginObject(image);
  let prediction: BinaryMask = createBinaryMask(gt.width, gt.height);
  const ious: number[] = [];
  const rois: Roi[] = [];
  try {
    for (let clickIndex = 0; clickIndex < protocol.maxClicks; clickIndex++) {
      simulator.addNextClick(prediction);
      const output = await objectSegmenter.predict(simulator.clicks);
      prediction = output.mask;
      if (output.roi) rois.push(output.roi);
      const iou = computeIou(gt, prediction, ignore);
      ious.push(iou);
      if (protocol.earlyStop && iou >= protocol.earlyStopIou && clickIndex + 1 >= protocol.minClicks) break;
    }
  } finally {
    await objectSegmenter.end?.();
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

function validateOptions(options: EvaluationOptions): void {
  const { maxClicks, minClicks, earlyStopIou, iouThresholds } = options;
  if (!Number.isInteger(maxClicks) || maxClicks < 1) {
    throw new InvalidArgumentError(`maxClicks must be a positive integer, got ${maxClicks}`);
  }
  if (!Number.isInteger(minClicks) || minClicks < 1 || minClicks > maxClicks) {
    throw new InvalidArgumentError(`minClicks must be an integer in [1, maxClicks=${maxClicks}], got ${minClicks}`);
  }
  if (!(earlyStopIou > 0)) throw new InvalidArgumentError(`earlyStopIou must be > 0, got ${earlyStopIou}`);
  if (iouThresholds.length === 0 || iouThresholds.some((t) => !(t > 0 && t <= 1))) {
    throw new InvalidArgumentError(`iouThresholds must be non-empty values in (0, 1], got [${iouThresholds.join(', ')}]`);
  }
}

function nameOf(samples: unknown): string | undefined {
  const name = (samples as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function defaultClock(): () => number {
  // `performance` is a global in Node and browsers but not in the ES library typings this folder compiles with.
  const performanceLike = (globalThis as { performance?: { now(): number } }).performance;
  return performanceLike ? () => performanceLike.now() : () => Date.now();
}
