/**
 * @simpleclick/core/internal: pieces of the core that the SimpleClick adapters and CLI share but that are not
 * part of the SDK's API. Not covered by semver: names and signatures may change in any release. Node.js (the
 * file helpers use `node:fs`). Applications should use `@simpleclick/core`, `/node`, `/web`, `/formats`, `/eval`.
 * @internal
 * @packageDocumentation
 */

// --- caches (the adapters' decoded-image and click-state caches) ---
export { ByteLruCache } from '../cache/byte-lru-cache';

// --- boxes (a box starts an object the same way in the Label Studio backend and the CVAT interactor) ---
export { boxCentreClick, boxCropRoi, clicksInCrop, pasteMask } from '../image/box-crop';

// --- settings (the --boundary-refinement flags and SIMPLECLICK_BOUNDARY_REFINEMENT of the CLI and the adapters) ---
export { parseBoundaryRefinementSpec } from '../predictor/parse-boundary-refinement-spec';

// --- ONNX files (the CLI's `info` and `convert`) ---
export { readOnnxMetadataProps } from '../model/onnx-metadata-props';
export { parseModelMetadata, MODEL_METADATA_KEYS, SUPPORTED_MODEL_FORMAT_VERSIONS } from '../model/model-metadata';
export { readOnnxInitializerData } from '../model/onnx-initializer-data';
export type { OnnxInitializerData } from '../model/onnx-initializer-data';

// --- files (the CLI's reads and writes) ---
export { writeFileAtomic } from '../node/files/write-file-atomic';
export { readRegularFile } from '../node/files/read-regular-file';
