/**
 * @simpleclick/core/node: Node.js runtime (onnxruntime-node, image decoding from files, dataset loaders).
 * @packageDocumentation
 */
export * from '../index';

// --- model (onnxruntime-node) ---

// --- image decoding ---

// --- datasets ---
