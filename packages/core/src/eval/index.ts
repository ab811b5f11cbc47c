/**
 * @simpleclick/core/eval: the NoC evaluation of the SimpleClick paper: benchmark datasets read from disk,
 * the official next-click rule, the evaluation loop and its results (JSON and table). Node.js: the dataset
 * loaders read files (`node:fs`, sharp). Mask IoU (`computeIou`) is in `@simpleclick/core`.
 * @module @simpleclick/core/eval
 */

// --- protocol: next click, NoC ---
export { findNextClick } from './next-click';
export type { NextClickInput } from './next-click';
export { ClickSimulator } from './click-simulator';
export {
  OFFICIAL_MAX_CLICKS,
  OFFICIAL_EARLY_STOP_IOU,
  OFFICIAL_IOU_THRESHOLDS,
  officialIouThresholds,
  numberOfClicks,
  summarizeNoc,
  meanIouPerClick,
} from './noc';
export type { NocSummary } from './noc';

// --- the evaluation ---
export type { EvalSample, EvalDataset } from './eval-sample';
export { evaluateDataset, evaluateObject, DEFAULT_EVALUATION_OPTIONS } from './evaluate';
export type {
  EvaluationOptions,
  EvaluationProtocol,
  EvaluationResult,
  EvaluationSummary,
  ObjectResult,
} from './evaluate';

// --- results ---
export { formatResultsTable, formatMiouPerClick, DEFAULT_RESULTS_TABLE_OPTIONS } from './results-table';
export type { ResultsTableOptions } from './results-table';
export {
  evaluationResultToJson,
  stringifyEvaluationResult,
  parseEvaluationResultJson,
  EVALUATION_RESULTS_FORMAT,
  EVALUATION_RESULTS_VERSION,
} from './results-json';
export type { EvaluationResultsJson, ObjectResultJson, EvaluationRunInfo } from './results-json';

// --- datasets (Node.js: read from disk) ---
export type { DatasetOptions } from '../node/datasets/dataset-options';
export {
  SingleObjectDataset,
  openGrabCutDataset,
  openBerkeleyDataset,
  openDavisDataset,
  openCocoMvalDataset,
  GRABCUT_LAYOUT,
  BERKELEY_LAYOUT,
  DAVIS_LAYOUT,
  COCO_MVAL_LAYOUT,
} from '../node/datasets/single-object-dataset';
export type { SingleObjectLayout } from '../node/datasets/single-object-dataset';
export { SsTemDataset, openSsTemDataset, SSTEM_LAYOUT } from '../node/datasets/sstem-dataset';
export type { SsTemDatasetOptions } from '../node/datasets/sstem-dataset';
export { ImageFolderDataset, openImageFolderDataset } from '../node/datasets/image-folder-dataset';
export type { ImageFolderDatasetOptions } from '../node/datasets/image-folder-dataset';
export { openDataset, OFFICIAL_DATASET_FOLDERS } from '../node/datasets/open-dataset';
export type { OfficialDatasetName } from '../node/datasets/open-dataset';
export { IMAGE_FILE_EXTENSIONS } from '../node/datasets/dataset-files';
export { groundTruthFromMaskImage, readGroundTruthFile } from '../node/decode-mask';
export type { MaskEncoding, GroundTruth } from '../node/decode-mask';
