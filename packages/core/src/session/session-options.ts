import { InvalidArgumentError } from '../errors';
import { DEFAULT_MASK_THRESHOLD } from '../mask/threshold-probabilities';

/** Which object a label-map pixel shows where objects overlap. */
export type LabelMapOverlap = 'later-on-top' | 'earlier-on-top';

/** Options of {@link SegmentationSession.create}; every field has a default in {@link DEFAULT_SEGMENTATION_SESSION_OPTIONS}. */
export interface SegmentationSessionOptions {
  /**
   * A pixel belongs to the object when its probability is above this (compared in float32).
   * The official evaluation uses 0.49. Default: the predictor's `options.maskThreshold` when it has one
   * (ClickPredictor), else 0.49. Change it later with `setThreshold`, without rerunning the model.
   */
  readonly threshold: number;
  /**
   * Undo steps kept for the object being edited. The object holds at most `maxUndoSteps + 1` states
   * (undo steps, the current state and redo steps together); the oldest undo step goes first.
   */
  readonly maxUndoSteps: number;
  /**
   * Undo steps (and as many redo steps) kept for an object once the session moves to another one
   * (finish, select, import), so that many finished objects do not each hold a full history.
   */
  readonly maxUndoStepsOfInactiveObjects: number;
  /** Label-map drawing order where objects overlap; objects are ordered by creation. */
  readonly labelMapOverlap: LabelMapOverlap;
  /**
   * Whether the session owns the predictor (segmenter): when true, `close()` also closes it, freeing the
   * model and its tensors. Leave false (the default) to share one predictor between sessions (one per image)
   * and close it yourself.
   */
  readonly ownsPredictor: boolean;
  /**
   * When true, `undo()` called while the latest waiting operation is a click that has not started cancels
   * that click instead of queueing: the model never runs for it. When false, the click runs and is then undone.
   */
  readonly coalesceUndoOfWaitingClick: boolean;
}

/** The defaults of {@link SegmentationSessionOptions}. */
export const DEFAULT_SEGMENTATION_SESSION_OPTIONS: SegmentationSessionOptions = Object.freeze({
  threshold: DEFAULT_MASK_THRESHOLD,
  maxUndoSteps: 100,
  maxUndoStepsOfInactiveObjects: 10,
  labelMapOverlap: 'later-on-top',
  ownsPredictor: false,
  coalesceUndoOfWaitingClick: true,
});

/** Checks a threshold; throws {@link InvalidArgumentError}. */
export function validateThreshold(threshold: number): void {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new InvalidArgumentError(`threshold must be a number in [0, 1], got ${String(threshold)}`);
  }
}

/** Merges `options` over the defaults and checks every field; throws {@link InvalidArgumentError}. */
export function resolveSessionOptions(
  options: Partial<SegmentationSessionOptions> | undefined,
): SegmentationSessionOptions {
  const resolved: SegmentationSessionOptions = { ...DEFAULT_SEGMENTATION_SESSION_OPTIONS, ...options };
  validateThreshold(resolved.threshold);
  for (const name of ['maxUndoSteps', 'maxUndoStepsOfInactiveObjects'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  if (resolved.maxUndoStepsOfInactiveObjects > resolved.maxUndoSteps) {
    throw new InvalidArgumentError(
      `maxUndoStepsOfInactiveObjects (${resolved.maxUndoStepsOfInactiveObjects}) cannot exceed maxUndoSteps (${resolved.maxUndoSteps})`,
    );
  }
  if (resolved.labelMapOverlap !== 'later-on-top' && resolved.labelMapOverlap !== 'earlier-on-top') {
    throw new InvalidArgumentError(
      `labelMapOverlap must be 'later-on-top' or 'earlier-on-top', got ${String(resolved.labelMapOverlap)}`,
    );
  }
  for (const name of ['ownsPredictor', 'coalesceUndoOfWaitingClick'] as const) {
    if (typeof resolved[name] !== 'boolean') {
      throw new InvalidArgumentError(`${name} must be a boolean, got ${String(resolved[name])}`);
    }
  }
  return Object.freeze(resolved);
}
