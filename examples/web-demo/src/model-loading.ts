import {
  ClickPredictor,
  createWebModel,
  createWorkerPredictor,
  rgbImageFromImageData,
  SegmentationSession,
  type ModelMetadata,
  type PredictorOptions,
  type WorkerPredictor,
} from '@simpleclick/core/web';
import * as ort from 'onnxruntime-web';
import type { BackendChoice } from './demo-config';
import { fromWorkerSession, mainThreadSession, type DemoSession } from './demo-session';
import type { LoadedImage } from './image-loading';

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

/**
 * The loaded model as the demo uses it, wherever it runs: in the SDK's Web Worker (default) or on the page's
 * thread (`?worker=0`).
 */
export interface DemoPredictor {
  /** Where the model and the per-click work run. */
  readonly runsIn: 'worker' | 'main thread';
  readonly options: PredictorOptions;
  /**
   * A session on an image: in the worker from a copy of its decoded bitmap (moved; the worker reads the pixels),
   * on the page's thread from its pixels.
   */
  createSession(image: LoadedImage, threshold: number): Promise<DemoSession>;
  /** One model run on a small image, so the first click does not pay for compilation. */
  warmUp(): Promise<void>;
  /**
   * The SDK's predictor itself, for code that drives it directly (the Label Studio plugin takes either):
   * `workerPredictor` in the worker, `clickPredictor` on the page's thread.
   */
  readonly workerPredictor?: WorkerPredictor;
  readonly clickPredictor?: ClickPredictor;
}

export interface LoadedModel {
  readonly file: string;
  readonly predictor: DemoPredictor;
  readonly metadata: ModelMetadata;
  readonly backend: BackendInfo;
  readonly loadMs: number;
}

export interface ModelLoadOptions {
  readonly backend: BackendChoice;
  readonly numThreads: number | undefined;
  readonly useFlip: boolean;
  /** Run the model and the per-click work in the SDK's Web Worker (default) rather than on the page's thread. */
  readonly useWorker: boolean;
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
    return {
      providers: ['wasm'],
      note: 'the WebGPU adapter is a software fallback, slower than WASM (?backend=webgpu forces it)',
    };
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
 * Downloads a model of the models folder and starts it on onnxruntime-web, WebGPU first where it is worth it,
 * else WASM (with threads when the page is cross-origin isolated): in the SDK's Web Worker (`createWorkerPredictor`),
 * or on the page's thread (`createWebModel` + `ClickPredictor`) when `useWorker` is false.
 */
export async function loadModel(file: string, options: ModelLoadOptions): Promise<LoadedModel> {
  const startMs = performance.now();
  const { providers, note } = await chooseExecutionProviders(options.backend);
  const bytes = await downloadModel(`${MODELS_URL}${file}`, options.onProgress);
  const preset = options.useFlip ? 'parity' : 'interactive';
  if (options.useWorker) {
    options.onProgress?.(`Starting the SimpleClick worker with onnxruntime-web (${providers.join(', ')})...`);
    const predictor = await createWorkerPredictor(bytes, {
      executionProviders: providers,
      numThreads: options.numThreads,
      predictor: { preset },
    });
    const backendNote =
      providers[0] === 'webgpu' && predictor.backend !== 'webgpu'
        ? 'onnxruntime-web could not start WebGPU and fell back to WASM'
        : note;
    return {
      file,
      predictor: workerDemoPredictor(predictor),
      metadata: predictor.metadata,
      backend: {
        name: predictor.backend,
        numThreads: predictor.wasmNumThreads,
        crossOriginIsolated: predictor.crossOriginIsolated,
        note: backendNote,
      },
      loadMs: performance.now() - startMs,
    };
  }
  options.onProgress?.(`Starting onnxruntime-web (${providers.join(', ')})...`);
  const model = await createWebModel(bytes, { executionProviders: providers, numThreads: options.numThreads });
  const predictor = await ClickPredictor.create(model, { preset });
  // onnxruntime-web falls back from WebGPU to WASM by itself when WebGPU fails to start; its WebGPU backend
  // sets env.webgpu.adapter only when it started, which tells which one runs.
  const webGpuStarted = providers[0] === 'webgpu' && ort.env.webgpu.adapter !== undefined;
  const name = webGpuStarted ? 'webgpu' : 'wasm';
  const backendNote =
    providers[0] === 'webgpu' && !webGpuStarted ? 'onnxruntime-web could not start WebGPU and fell back to WASM' : note;
  return {
    file,
    predictor: mainThreadDemoPredictor(predictor),
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

function workerDemoPredictor(predictor: WorkerPredictor): DemoPredictor {
  return {
    runsIn: 'worker',
    options: predictor.options,
    workerPredictor: predictor,
    // A copy of the decoded bitmap is moved to the worker, which reads its pixels there (the page keeps the bitmap
    // to draw it and for the next session on this image); nothing image-sized crosses per click.
    createSession: async (image, threshold) =>
      fromWorkerSession(
        await predictor.createSession(await createImageBitmap(image.bitmap, { premultiplyAlpha: 'none' }), {
          threshold,
        }),
      ),
    warmUp: async () => {
      await predictor.warmUp();
    },
  };
}

function mainThreadDemoPredictor(predictor: ClickPredictor): DemoPredictor {
  return {
    runsIn: 'main thread',
    options: predictor.options,
    clickPredictor: predictor,
    createSession: async (image, threshold) =>
      mainThreadSession(
        await SegmentationSession.create(predictor, rgbImageFromImageData(image.readPixels()), { threshold }),
      ),
    warmUp: async () => {
      const size = 64;
      const image = { width: size, height: size, data: new Uint8Array(size * size * 3).fill(128) };
      await predictor.predict(image, [{ xPx: size / 2, yPx: size / 2, isPositive: true }]);
    },
  };
}
