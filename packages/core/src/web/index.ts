/**
 * @simpleclick/core/web: browser runtime (onnxruntime-web with WebGPU and WASM, images from ImageData).
 * @packageDocumentation
 */
export * from '../index';

// --- model (onnxruntime-web) ---
export { createWebModel, DEFAULT_WEB_MODEL_OPTIONS } from './onnx-web';
export type { WebModelOptions, RequestInitLike } from './onnx-web';

// --- image ---
export { rgbImageFromImageData } from './image-data';
export type { ImageDataLike } from './image-data';
