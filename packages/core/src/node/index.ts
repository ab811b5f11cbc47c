/**
 * @simpleclick/core/node: everything in `@simpleclick/core`, plus the Node.js runtime: models on
 * onnxruntime-node and images decoded from files or bytes (sharp). The NoC evaluation's dataset loaders are in
 * `@simpleclick/core/eval`.
 * @module @simpleclick/core/node
 */
export * from '../index';

// --- model (onnxruntime-node) ---
export { createNodeModel, DEFAULT_NODE_MODEL_OPTIONS } from './onnx-node';
export type { NodeModelOptions } from './onnx-node';
export { weightsSha256, checkWeightsSha256 } from './weights-sha256';

// --- image decoding ---
export {
  decodeImageFile,
  decodeImageBytes,
  readImageInfo,
  detectImageFormat,
  DEFAULT_DECODE_IMAGE_OPTIONS,
} from './decode-image';
export type { DecodeImageOptions, ImageFormat, ImageInfo } from './decode-image';
// What decodeImageFile throws for a path that is not a readable regular file.
export { RegularFileReadError } from './files/read-regular-file';
export type { RegularFileProblem } from './files/read-regular-file';
