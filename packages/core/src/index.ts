/**
 * @simpleclick/core: runtime-agnostic SimpleClick SDK. No Node or DOM imports here;
 * see `@simpleclick/core/node` and `@simpleclick/core/web` for runtimes.
 * @packageDocumentation
 */

// --- errors ---
export * from './errors';

// --- image ---
export type { RgbImage } from './image/rgb-image';
export { createRgbImage } from './image/rgb-image';
export type { FloatMap } from './image/float-map';
export { createFloatMap } from './image/float-map';
export { cropRgbImage, cropFloatMap } from './image/crop';
// Probabilities kept at network resolution, evaluated on demand (ObjectState.resizedRegionProbabilities).
export { ResizedFloatMap } from './image/resized-float-map';
export type { FloatPlaneWindow } from './image/resize-bilinear';

// --- clicks ---
export type { Click } from './clicks/click';

// --- model ---
export type { SegmentationModel, ModelMetadata, NetInput, NetOutput } from './model/segmentation-model';
export { parseModelMetadata, MODEL_METADATA_KEYS, SUPPORTED_MODEL_FORMAT_VERSIONS } from './model/model-metadata';
export { readOnnxMetadataProps } from './model/onnx-metadata-props';
export { readOnnxInitializerData } from './model/onnx-initializer-data';
export type { OnnxInitializerData } from './model/onnx-initializer-data';
export type { WeightsChecksum, WeightsChecksumStatus } from './model/weights-checksum';
export { checkWeightsSha256WithWebCrypto } from './model/weights-checksum-subtle';
export {
  OnnxSegmentationModel,
  MODEL_INPUT_IMAGE,
  MODEL_INPUT_CLICK_MAPS,
  MODEL_OUTPUT_LOGITS,
} from './model/onnx-segmentation-model';
export type { Float32TensorFactory, OnnxSessionInfo } from './model/onnx-segmentation-model';

// --- predictor ---
export type { Roi } from './predictor/roi';
export { ClickPredictor } from './predictor/click-predictor';
export { ObjectState, DEFAULT_MASK_THRESHOLD } from './predictor/object-state';
export type { PredictionResult, PredictorTiming } from './predictor/prediction-result';
export {
  PARITY_PREDICTOR_OPTIONS,
  INTERACTIVE_PREDICTOR_OPTIONS,
  DEFAULT_PREDICTOR_OPTIONS,
  resolvePredictorOptions,
} from './predictor/predictor-options';
export type { PredictorOptions, PredictorOptionsInput, PredictorPreset } from './predictor/predictor-options';
export { DEFAULT_ZOOM_IN_OPTIONS } from './predictor/zoom-in';
export type { ZoomInOptions } from './predictor/zoom-in';

// --- session ---
export { SegmentationSession } from './session/segmentation-session';
export type { RestoreSnapshotOptions } from './session/segmentation-session';
export type { ClickSegmenter, ClickSegmenterResult, StateWithProbabilityRegion } from './session/click-segmenter';
export { DEFAULT_SEGMENTATION_SESSION_OPTIONS } from './session/session-options';
export type { SegmentationSessionOptions, LabelMapOverlap } from './session/session-options';
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
export { SESSION_SNAPSHOT_FORMAT, SESSION_SNAPSHOT_VERSION } from './session/session-snapshot';
export type { SessionSnapshot, SessionSnapshotObject, SnapshotMask } from './session/session-snapshot';

// --- mask ---
export type { BinaryMask } from './mask/binary-mask';
export { createBinaryMask } from './mask/binary-mask';
export { thresholdProbabilities, DEFAULT_THRESHOLD_OPTIONS } from './mask/threshold-probabilities';
export type { ThresholdOptions } from './mask/threshold-probabilities';
export { labelConnectedComponents, DEFAULT_CONNECTIVITY } from './mask/connected-components';
export type { Connectivity, ConnectedComponents, ConnectedComponentsOptions } from './mask/connected-components';
export { keepClickedComponents, keepLargestComponent, DEFAULT_KEEP_COMPONENTS_OPTIONS } from './mask/keep-components';
export type { KeepComponentsOptions, NoClickedComponentFallback } from './mask/keep-components';
export { fillHoles, DEFAULT_FILL_HOLES_OPTIONS } from './mask/fill-holes';
export type { FillHolesOptions } from './mask/fill-holes';
export { removeIslands } from './mask/remove-islands';
export type { RemoveIslandsOptions } from './mask/remove-islands';
export { cleanUpMask, DEFAULT_MASK_CLEAN_UP_OPTIONS } from './mask/clean-up-mask';
export type { MaskCleanUpOptions, KeepComponents } from './mask/clean-up-mask';
export { maskBoundingBox, maskAreaPx } from './mask/mask-bounding-box';
export type { InclusiveBox } from './mask/mask-bounding-box';
export { polygonAreaPx, polygonVertexCount } from './mask/polygon';
export type { PointPx, Ring, Polygon } from './mask/polygon';
export { ringToPercent, ringFromPercent, polygonToPercent } from './mask/polygon-percent';
export { maskToPolygons, DEFAULT_MASK_TO_POLYGONS_OPTIONS } from './mask/mask-to-polygons';
export type { MaskToPolygonsOptions } from './mask/mask-to-polygons';
export { rasterizePolygons, DEFAULT_RASTERIZE_OPTIONS } from './mask/rasterize-polygons';
export type { FillRule, RasterizeOptions } from './mask/rasterize-polygons';
export {
  encodeCocoRle,
  encodeUncompressedCocoRle,
  decodeCocoRle,
  cocoRleArea,
  cocoRleBbox,
  MAX_DECODED_PIXELS,
} from './mask/coco-rle';
export type { CocoRle, CompressedCocoRle, UncompressedCocoRle, CocoBbox } from './mask/coco-rle';
export {
  encodeLabelStudioBrushRle,
  decodeLabelStudioBrushRle,
  DEFAULT_BRUSH_RLE_DECODE_OPTIONS,
} from './mask/label-studio-brush-rle';
export type { BrushRleDecodeOptions } from './mask/label-studio-brush-rle';
export { encodeCvatMaskRle, decodeCvatMaskRle } from './mask/cvat-mask-rle';
export { toCvatInteractorResponse } from './mask/cvat-interactor-response';
export type { CvatInteractorResponse } from './mask/cvat-interactor-response';
export { encodeMaskPng, encodeProbabilityPng, decodeMaskPng, DEFAULT_MASK_PNG_OPTIONS } from './mask/mask-png';
export type { MaskPngOptions } from './mask/mask-png';

// --- eval ---
export { findNextClick } from './eval/next-click';
export type { NextClickInput } from './eval/next-click';
export { ClickSimulator } from './eval/click-simulator';
export { computeIou } from './eval/iou';
export {
  OFFICIAL_MAX_CLICKS,
  OFFICIAL_EARLY_STOP_IOU,
  OFFICIAL_IOU_THRESHOLDS,
  officialIouThresholds,
  numberOfClicks,
  summarizeNoc,
  meanIouPerClick,
} from './eval/noc';
export type { NocSummary } from './eval/noc';
export type { EvalSample, EvalDataset } from './eval/eval-sample';
export type { Segmenter, ObjectSegmenter, ObjectPrediction } from './eval/segmenter';
export { createPredictorSegmenter, DEFAULT_PREDICTOR_SEGMENTER_OPTIONS } from './eval/predictor-segmenter';
export type { PredictorSegmenterOptions } from './eval/predictor-segmenter';
export { evaluateDataset, evaluateObject, DEFAULT_EVALUATION_OPTIONS } from './eval/evaluate';
export type {
  EvaluationOptions,
  EvaluationProtocol,
  EvaluationResult,
  EvaluationSummary,
  ObjectResult,
} from './eval/evaluate';
export { formatResultsTable, formatMiouPerClick, DEFAULT_RESULTS_TABLE_OPTIONS } from './eval/results-table';
export type { ResultsTableOptions } from './eval/results-table';
export {
  evaluationResultToJson,
  stringifyEvaluationResult,
  parseEvaluationResultJson,
  EVALUATION_RESULTS_FORMAT,
  EVALUATION_RESULTS_VERSION,
} from './eval/results-json';
export type { EvaluationResultsJson, ObjectResultJson, EvaluationRunInfo } from './eval/results-json';
export { renderMiouPlot, miouCurveOf, DEFAULT_MIOU_PLOT_OPTIONS } from './eval/plot/miou-plot';
export type { MiouCurve, MiouPlotOptions } from './eval/plot/miou-plot';
export { encodeRgbPng, renderMiouPlotPng } from './eval/plot/encode-rgb-png';

// --- cache ---
// Not for SDK users (marked @internal): exported because both adapters keep their decoded-image and
// click-state caches in it.
export { ByteLruCache } from './cache/byte-lru-cache';
