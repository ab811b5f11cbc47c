/**
 * @simpleclick/core/web: browser runtime (onnxruntime-web with WebGPU and WASM, images from ImageData).
 * @packageDocumentation
 */
export * from '../index';

// --- model (onnxruntime-web) ---

// --- image ---
