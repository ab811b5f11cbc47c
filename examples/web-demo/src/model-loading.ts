import { ClickPredictor, createWebModel, type ModelMetadata } from '@simpleclick/core/web';
import * as ort from 'onnxruntime-web';
import type { BackendChoice } from './demo-config';

/** One model of the server's models/manifest.json (see examples/shared/model-manifest.mjs). */
export interface ModelManifestEntry {
  readonly file: string;
  readonly sizeBytes: number;
  readonly variant: string | null;
  readonly inputSizePx: number | null;
  readonly trained: boolean | null;
  readonly trainingData: string | null;
  readonly error: string | null;
}

export interface ModelManifest {
  /** The file the demo loads when the URL names none. */
  readonly default: string | null;
  readonly models: readonly ModelManifestEntry[];
}

/** The models folder, relative to the page. */
const MODELS_URL = 'models/';

/** The manifest, or undefined when the server has none (a plain static host): then `?model=` is needed. */
export async function fetchModelManifest(): Promise<ModelManifest | undefined> {
  try {
    const response = await fetch(`${MODELS_URL}manifest.json`);
    if (!response.ok) return undefined;
    return (await response.json()) as ModelManifest;
  } catch {
    return undefined;
  }
}

/** What runs the model, as observed after loading it. */
export interface BackendInfo {
  /** The execution provider the session runs on. */
  readonly name: 'webgpu' | 'wasm';
  /** WebAssembly threads onnxruntime-web uses (it drops to 1 where threads are unavailable). */
  readonly numThreads: number;
  /** Whether the page is cross-origin isolated (needed for WebAssembly threads). */
  readonly crossOriginIsolated: boolean;
  /** Why the backend is not the first choice, when it is not. */
  readonly note: string | undefined;
}

export interface LoadedModel {
  readonly file: string;
  readonly predictor: ClickPredictor;
  readonly metadata: ModelMetadata;
  readonly backend: BackendInfo;
  readonly loadMs: number;
}

export interface ModelLoadOptions {
  readonly backend: BackendChoice;
  readonly numThreads: number | undefined;
  readonly useFlip: boolean;
  /** Called while the file downloads. */
  readonly onProgress?: (message: string) => void;
}

/** The WebGPU parts this page looks at (TypeScript's DOM library has no WebGPU types). */
interface GpuAdapterLike {
  readonly info?: { readonly isFallbackAdapter?: boolean; readonly vendor?: string; readonly architecture?: string };
  readonly isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

/**
 * Execution providers to ask onnxruntime-web for. `auto`: WebGPU only with a hardware adapter (a software
 * fallback adapter, such as SwiftShader, is far slower than WASM); `webgpu`: WebGPU or fail, no fallback, so a
 * forced choice shows what happens; `wasm`: WASM.
 */
async function chooseExecutionProviders(choice: BackendChoice): Promise<{ providers: string[]; note?: string }> {
  if (choice === 'wasm') return { providers: ['wasm'] };
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  let adapter: GpuAdapterLike | null = null;
  let why = 'this browser has no WebGPU (navigator.gpu is missing)';
  if (gpu !== undefined) {
    why = 'WebGPU has no adapter here (requestAdapter() gave none)';
    try {
      adapter = await gpu.requestAdapter();
    } catch (error) {
      why = `WebGPU requestAdapter() failed: ${(error as Error).message}`;
    }
  }
  if (adapter === null) {
    if (choice === 'webgpu') throw new Error(`?backend=webgpu asked for, but ${why}`);
    return { providers: ['wasm'], note: why };
  }
  if (choice === 'webgpu') return { providers: ['webgpu'] };
  const isFallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  if (isFallback || adapter.info?.architecture === 'swiftshader') {
    return { providers: ['wasm'], note: 'the WebGPU adapter is a software fallback, slower than WASM (?backend=webgpu forces it)' };
  }
  return { providers: ['webgpu', 'wasm'] };
}

/** Downloads the model file, reporting progress. */
async function downloadModel(url: string, onProgress?: (message: string) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('Content-Length') ?? 0);
  if (response.body === null) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    onProgress?.(`Downloading ${url}: ${mb(received)}${total > 0 ? ` of ${mb(total)}` : ''} MB`);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * Downloads a model of the models folder and creates a ClickPredictor over onnxruntime-web, WebGPU first where
 * it is worth it, else WASM (with threads when the page is cross-origin isolated).
 */
export async function loadModel(file: string, options: ModelLoadOptions): Promise<LoadedModel> {
  const startMs = performance.now();
  const { providers, note } = await chooseExecutionProviders(options.backend);
  const bytes = await downloadModel(`${MODELS_URL}${file}`, options.onProgress);
  options.onProgress?.(`Starting onnxruntime-web (${providers.join(', ')})...`);
  const model = await createWebModel(bytes, { executionProviders: providers, numThreads: options.numThreads });
  const predictor = await ClickPredictor.create(model, { preset: options.useFlip ? 'parity' : 'interactive' });
  // onnxruntime-web falls back from WebGPU to WASM by itself when WebGPU fails to start; its WebGPU backend
  // sets env.webgpu.adapter only when it started, which tells which one runs.
  const webGpuStarted = providers[0] === 'webgpu' && ort.env.webgpu.adapter !== undefined;
  const name = webGpuStarted ? 'webgpu' : 'wasm';
  const backendNote =
    providers[0] === 'webgpu' && !webGpuStarted ? 'onnxruntime-web could not start WebGPU and fell back to WASM' : note;
  return {
    file,
    predictor,
    metadata: model.metadata,
    backend: {
      name,
      numThreads: ort.env.wasm.numThreads ?? 1,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      note: backendNote,
    },
    loadMs: performance.now() - startMs,
  };
}
