/**
 * @simpleclick/core/web: everything in `@simpleclick/core`, plus the browser runtime (onnxruntime-web with WebGPU
 * and WASM, images from ImageData, the SDK's Web Worker).
 * @module @simpleclick/core/web
 */
export * from '../index';

// --- model (onnxruntime-web) ---
export { createWebModel, defaultWasmThreads, DEFAULT_WEB_MODEL_OPTIONS } from './onnx-web';
export type { WebModelOptions, RequestInitLike } from './onnx-web';

// --- image ---
export { rgbImageFromImageData } from './image-data';
export type { ImageDataLike } from './image-data';

// --- the SDK in a Web Worker (model and per-click work off the page's thread) ---
export { WorkerPredictor, createWorkerPredictor, createWorkerSession } from './worker/worker-predictor';
export type { WorkerPredictorOptions, WorkerSessionOptions } from './worker/worker-predictor';
export { WorkerSession } from './worker/worker-session';
export type { WorkerPredictionEvent, WorkerSessionEvents } from './worker/worker-session';
export type { ChannelTransferStats, WorkerTransferStats } from './worker/transfer-stats';
export type { ImageBitmapLike } from './worker/worker-like';
export { computeObjectOutputs } from './worker/object-outputs';
export type { ObjectOutputs, ObjectOutputsRequest, ObjectOutputsSource } from './worker/object-outputs';
