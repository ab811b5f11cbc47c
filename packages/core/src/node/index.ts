/**
 * @simpleclick/core/node: Node.js runtime (onnxruntime-node, image decoding from files, dataset loaders).
 * @packageDocumentation
 */
export * from '../index';

// --- model (onnxruntime-node) ---
export { createNodeModel, DEFAULT_NODE_MODEL_OPTIONS } from './onnx-node';
export type { NodeModelOptions } from './onnx-node';
export { weightsSha256, checkWeightsSha256 } from './weights-sha256';

// --- files ---
export { writeFileAtomic } from './files/write-file-atomic';
export { readRegularFile, RegularFileReadError } from './files/read-regular-file';
export type { RegularFileProblem } from './files/read-regular-file';

// --- image decoding ---
export {
  decodeImageFile,
  decodeImageBytes,
  readImageInfo,
  detectImageFormat,
  DEFAULT_DECODE_IMAGE_OPTIONS,
} from './decode-image';
export type { DecodeImageOptions, ImageFormat, ImageInfo } from './decode-image';
export { groundTruthFromMaskImage, readGroundTruthFile } from './decode-mask';
export type { MaskEncoding, GroundTruth } from './decode-mask';

// --- datasets ---
export type { DatasetOptions } from './datasets/dataset-options';
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
} from './datasets/single-object-dataset';
export type { SingleObjectLayout } from './datasets/single-object-dataset';
export { SsTemDataset, openSsTemDataset, SSTEM_LAYOUT } from './datasets/sstem-dataset';
export type { SsTemDatasetOptions } from './datasets/sstem-dataset';
export { ImageFolderDataset, openImageFolderDataset } from './datasets/image-folder-dataset';
export type { ImageFolderDatasetOptions } from './datasets/image-folder-dataset';
export { openDataset, OFFICIAL_DATASET_FOLDERS } from './datasets/open-dataset';
export type { OfficialDatasetName } from './datasets/open-dataset';
export { IMAGE_FILE_EXTENSIONS } from './datasets/dataset-files';
