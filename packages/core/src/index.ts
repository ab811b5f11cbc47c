/**
 * @simpleclick/core: the interactive path of the SimpleClick SDK: a model, the click predictor, sessions that
 * keep objects and undo history, clicks, and masks (threshold, clean-up, bounding box, IoU). Runtime-agnostic:
 * no Node or DOM imports here. Runtimes: `@simpleclick/core/node` and `@simpleclick/core/web` (each re-exports
 * this entry). Mask formats: `@simpleclick/core/formats`; the NoC evaluation: `@simpleclick/core/eval`.
 * @module @simpleclick/core
 */

// --- errors ---
export * from './errors';

// --- images ---
export type { RgbImage } from './image/rgb-image';
export { createRgbImage } from './image/rgb-image';
export { cropRgbImage } from './image/crop';
export type { FloatMap } from './image/float-map';
export type { Roi } from './image/roi';
export type { BoxCropOptions } from './image/box-crop';
export { DEFAULT_BOX_CROP_OPTIONS } from './image/box-crop';

// --- clicks ---
export type { Click } from './clicks/click';

// --- model ---
export type { SegmentationModel, ModelMetadata, NetInput, NetOutput } from './model/segmentation-model';
export { readModelMetadata } from './model/model-metadata';
export type { WeightsChecksum } from './model/weights-checksum';
// What createNodeModel / createWebModel return (its execution providers, checksum, batch size).
export type { OnnxSegmentationModel } from './model/onnx-segmentation-model';

// --- predictor ---
export { ClickPredictor } from './predictor/click-predictor';
export { ObjectState } from './predictor/object-state';
export type { PredictionResult } from './predictor/prediction-result';
export { DEFAULT_PREDICTOR_OPTIONS, resolvePredictorOptions } from './predictor/predictor-options';
export type { PredictorOptions, PredictorOptionsInput, PredictorPreset } from './predictor/predictor-options';
export type { ClickSegmenter, ClickSegmenterResult } from './predictor/click-segmenter';

// --- session ---
export { SegmentationSession } from './session/segmentation-session';
export type { RestoreSnapshotOptions } from './session/segmentation-session';
export { DEFAULT_SEGMENTATION_SESSION_OPTIONS } from './session/session-options';
export type { SegmentationSessionOptions } from './session/session-options';
export type {
  SessionState,
  SessionObjectSummary,
  SessionOperationKind,
  SessionHistoryStats,
} from './session/session-state';
export type {
  SegmentationSessionEvents,
  PredictionEvent,
  PredictionTiming,
  SessionChangeEvent,
  SessionErrorEvent,
} from './session/session-events';
export { MAX_OBJECT_ID } from './session/label-map';
export type { LabelMap, LabelMapOptions } from './session/label-map';
export type { SessionSnapshot } from './session/session-snapshot';

// --- masks ---
export type { BinaryMask } from './mask/binary-mask';
export { createBinaryMask } from './mask/binary-mask';
export { thresholdProbabilities, DEFAULT_MASK_THRESHOLD } from './mask/threshold-probabilities';
export type { ThresholdOptions } from './mask/threshold-probabilities';
export { cleanUpMask, DEFAULT_MASK_CLEAN_UP_OPTIONS } from './mask/clean-up-mask';
export type { MaskCleanUpOptions, KeepComponents } from './mask/clean-up-mask';
export type { Connectivity } from './mask/connected-components';
export { maskBoundingBox, maskAreaPx } from './mask/mask-bounding-box';
export { computeIou } from './mask/iou';
