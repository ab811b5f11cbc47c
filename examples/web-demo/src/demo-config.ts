/**
 * What the page's query string can set (all optional):
 *
 * - `model=<file>.onnx`: a model of the server's /models/ folder instead of the manifest's default.
 * - `backend=auto|webgpu|wasm`: `auto` (default) uses WebGPU when the browser has a hardware adapter, else WASM.
 * - `threads=<n>`: WebAssembly threads (default: the SDK's `defaultWasmThreads`:
 *   min(4, hardware threads)); threads need the page to be cross-origin isolated, which the demo server arranges.
 * - `flip=1`: horizontal-flip averaging (the official evaluation's setting; about twice the model time).
 * - `warmup=0`: skip the warm-up run after loading (the first click then includes one-off compile time).
 * - `image=none`: start without the example image.
 * - `worker=0`: run the model and the per-click work on the page's thread instead of the SDK's Web Worker (to
 *   compare: a click then blocks the page while it runs).
 */
export interface DemoConfig {
  readonly modelFile: string | undefined;
  readonly backend: BackendChoice;
  readonly numThreads: number | undefined;
  readonly useFlip: boolean;
  readonly warmUp: boolean;
  readonly loadExampleImage: boolean;
  readonly useWorker: boolean;
}

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

/** A model file name the server can serve: one path segment ending in .onnx. */
const MODEL_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.onnx$/;

/** Reads the query string; throws an Error naming the bad parameter. */
export function readDemoConfig(search: string): DemoConfig {
  const query = new URLSearchParams(search);
  const modelFile = query.get('model') ?? undefined;
  if (modelFile !== undefined && !MODEL_FILE_NAME.test(modelFile)) {
    throw new Error(`?model= must be a file name in /models/ ending in .onnx, got "${modelFile}"`);
  }
  const backend = query.get('backend') ?? 'auto';
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'wasm') {
    throw new Error(`?backend= must be auto, webgpu or wasm, got "${backend}"`);
  }
  const threadsText = query.get('threads');
  const numThreads = threadsText === null ? undefined : Number(threadsText);
  if (numThreads !== undefined && (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > 64)) {
    throw new Error(`?threads= must be an integer from 1 to 64, got "${threadsText}"`);
  }
  return {
    modelFile,
    backend,
    numThreads,
    useFlip: query.get('flip') === '1',
    warmUp: query.get('warmup') !== '0',
    loadExampleImage: query.get('image') !== 'none',
    useWorker: query.get('worker') !== '0',
  };
}
