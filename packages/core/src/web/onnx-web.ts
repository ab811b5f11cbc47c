import * as ort from 'onnxruntime-web';
import {
  InvalidArgumentError,
  ModelContractError,
  ModelLoadError,
  SimpleClickError,
  WeightsChecksumError,
} from '../errors';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import { readOnnxMetadataProps } from '../model/onnx-metadata-props';
import { OnnxSegmentationModel } from '../model/onnx-segmentation-model';
import type { WeightsChecksum } from '../model/weights-checksum';
import { checkWeightsSha256WithWebCrypto } from '../model/weights-checksum-subtle';

/** Options of {@link createWebModel}. */
export interface WebModelOptions {
  /**
   * onnxruntime-web execution providers in order of preference. Default `['webgpu', 'wasm']`: WebGPU where
   * the browser has it, else WebAssembly (also what runs under Node.js).
   */
  readonly executionProviders?: readonly string[];
  /**
   * WebAssembly threads (`ort.env.wasm.numThreads`, a global of onnxruntime-web, set before the first
   * session). Default {@link defaultWasmThreads}: `min(4, hardwareConcurrency)`. Threads need a cross-origin isolated page in browsers (COOP/COEP
   * headers), else onnxruntime silently runs one thread.
   */
  readonly numThreads?: number;
  /** Where the .wasm files are served from (`ort.env.wasm.wasmPaths`), when not next to the bundle. */
  readonly wasmPaths?: string;
  /** Options for `fetch` when `source` is a URL. */
  readonly fetchInit?: RequestInitLike;
  /**
   * Check the weights against the sha256 the file records (`simpleclick.weights_sha256`) with WebCrypto before
   * loading, and refuse a mismatch ({@link WeightsChecksumError}). Default true; `model.weightsChecksum` says
   * what was found (`unverifiable` outside a secure context, where WebCrypto is missing).
   */
  readonly verifyWeights?: boolean;
}

/** The subset of `RequestInit` used here (kept structural: the core compiles without the DOM library). */
export interface RequestInitLike {
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  readonly headers?: Record<string, string>;
  readonly signal?: unknown;
}

/** The defaults of {@link createWebModel}. */
export const DEFAULT_WEB_MODEL_OPTIONS = Object.freeze({
  executionProviders: Object.freeze<readonly string[]>(['webgpu', 'wasm']),
});

interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}
type FetchLike = (url: string, init?: RequestInitLike) => Promise<FetchResponseLike>;

/**
 * Loads a SimpleClick ONNX model with onnxruntime-web, from a URL or the file's bytes, and checks it against
 * the contract. Tries the execution providers in order and falls back to the next one (e.g. to WASM where
 * WebGPU is missing or fails; WebGPU is skipped outright where `navigator.gpu` does not exist). The model's
 * `executionProviders` lists what the session was created with.
 * Throws {@link ModelLoadError}, {@link WeightsChecksumError} (a ModelLoadError: the weights do not match the
 * sha256 the file records) or {@link ModelContractError}.
 */
export async function createWebModel(
  source: string | URL | Uint8Array | ArrayBuffer,
  options: WebModelOptions = {},
): Promise<OnnxSegmentationModel> {
  const executionProviders = [...(options.executionProviders ?? DEFAULT_WEB_MODEL_OPTIONS.executionProviders)];
  if (executionProviders.length === 0 || executionProviders.some((p) => typeof p !== 'string' || p === '')) {
    throw new InvalidArgumentError('executionProviders must be a non-empty list of provider names');
  }
  configureWasm(options);
  // Without navigator.gpu (Node.js, older browsers) WebGPU cannot work: leave it out rather than let
  // onnxruntime try it, so that `executionProviders` tells what really runs.
  const hasWebGpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== undefined;
  const candidates = hasWebGpu ? executionProviders : executionProviders.filter((p) => p !== 'webgpu');
  if (candidates.length === 0) {
    throw new ModelLoadError('WebGPU was the only execution provider asked for, and this runtime has no WebGPU');
  }
  const bytes = await loadBytes(source, options.fetchInit);
  const metadataProps = readOnnxMetadataProps(bytes);
  if (Object.keys(metadataProps).length === 0) {
    throw new ModelContractError('the ONNX file has no metadata_props: not a SimpleClick model export');
  }
  let weightsChecksum: WeightsChecksum = { status: 'absent' };
  if (options.verifyWeights ?? true) {
    weightsChecksum = await checkWeightsSha256WithWebCrypto(bytes, metadataProps);
    if (weightsChecksum.status === 'mismatch') {
      throw new WeightsChecksumError(
        `the model's weights do not match the sha256 its metadata records (${MODEL_METADATA_KEYS.weightsSha256} ` +
          `${weightsChecksum.expected}, weights hash to ${weightsChecksum.actual}): the file is damaged; download it again`,
      );
    }
  }

  const failures: string[] = [];
  for (let first = 0; first < candidates.length; first++) {
    const providers = candidates.slice(first);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: providers,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      failures.push(`${providers.join('+')}: ${(error as Error).message}`);
      continue;
    }
    try {
      return await OnnxSegmentationModel.create(
        session,
        metadataProps,
        (data, dims) => new ort.Tensor('float32', data, dims),
        { executionProviders: providers, weightsChecksum },
      );
    } catch (error) {
      if (error instanceof SimpleClickError) throw error;
      throw new ModelLoadError(`cannot use the model: ${(error as Error).message}`, { cause: error });
    }
  }
  throw new ModelLoadError(`onnxruntime-web could not create a session (${failures.join('; ')})`);
}

/**
 * The default WebAssembly thread count for a machine with `hardwareConcurrency` hardware threads:
 * `min(4, hardwareConcurrency)`, 1 when unknown. On an idle 2-core machine 2 threads ran the model in 0.56x the time
 * of 1 (87 against 154 ms); with other work on both cores the second thread made it 1.4-2x slower instead
 * (packages/core/bench/README.md, "Where WASM time goes"). The SDK takes the idle case, an annotator's machine
 * while they click; onnxruntime-web's own default would be 1 on 2 cores. Pass `numThreads` to choose.
 */
export function defaultWasmThreads(hardwareConcurrency: number | undefined): number {
  if (hardwareConcurrency === undefined || !Number.isFinite(hardwareConcurrency) || hardwareConcurrency < 1) return 1;
  return Math.min(4, Math.floor(hardwareConcurrency));
}

function configureWasm(options: WebModelOptions): void {
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  const numThreads = options.numThreads ?? defaultWasmThreads(hardware);
  if (!Number.isInteger(numThreads) || numThreads < 1) {
    throw new InvalidArgumentError(`numThreads must be a positive integer, got ${numThreads}`);
  }
  ort.env.wasm.numThreads = numThreads;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
}

async function loadBytes(source: string | URL | Uint8Array | ArrayBuffer, init?: RequestInitLike): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new InvalidArgumentError('model source must be a URL or the bytes of the ONNX file');
  }
  const fetchFunction = (globalThis as { fetch?: FetchLike }).fetch;
  if (fetchFunction === undefined)
    throw new ModelLoadError('this runtime has no fetch(): pass the model bytes instead');
  const url = String(source);
  let response: FetchResponseLike;
  try {
    response = await fetchFunction(url, init);
  } catch (error) {
    throw new ModelLoadError(`cannot fetch the model from ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new ModelLoadError(`cannot fetch the model from ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
