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

// --- clicks ---
export type { Click } from './clicks/click';

// --- model ---
export type { SegmentationModel, ModelMetadata, NetInput, NetOutput } from './model/segmentation-model';

// --- predictor ---
export type { Roi } from './predictor/roi';

// --- session ---

// --- mask ---
export type { BinaryMask } from './mask/binary-mask';
export { createBinaryMask } from './mask/binary-mask';

// --- eval ---
