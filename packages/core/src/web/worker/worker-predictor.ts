import { InvalidArgumentError, InvalidImageError, ModelLoadError, SessionClosedError } from '../../errors';
import type { RgbImage } from '../../image/rgb-image';
import type { ModelMetadata } from '../../model/segmentation-model';
import type { PredictorOptions, PredictorOptionsInput } from '../../predictor/predictor-options';
import type { SegmentationSessionOptions } from '../../session/session-options';
import type { ImageDataLike } from '../image-data';
import type { WebModelOptions } from '../onnx-web';
import type { WorkerTransferStats, ChannelTransferStats } from './transfer-stats';
import { WorkerChannel } from './worker-channel';
import type { ImageBitmapLike, Transferable, WorkerConstructorLike } from './worker-like';
import {
  WORKER_PROTOCOL_VERSION,
  type WireImage,
  type WorkerEventMessage,
  type WorkerModelInfo,
} from './worker-protocol';
import { WorkerSession, type CreatedWorkerSession } from './worker-session';

/** The browser's Worker constructor (typed structurally: the core compiles without the DOM library). */
declare const Worker: WorkerConstructorLike;

/** Options of {@link createWorkerPredictor}. */
export interface WorkerPredictorOptions extends Omit<WebModelOptions, 'fetchInit'> {
  /** The predictor's preset and options, as `ClickPredictor.create` takes them (default: the interactive preset). */
  readonly predictor?: PredictorOptionsInput;
  /**
   * Where the worker script is served. Default: `web-worker.mjs` next to the SDK's `web.mjs`
   * (`new URL('./web-worker.mjs', import.meta.url)`, which bundlers such as Vite and webpack follow).
   */
  readonly workerUrl?: string | URL;
  /** Options for the worker's `fetch` of a model URL (plain data only: credentials and headers). */
  readonly fetchInit?: {
    readonly credentials?: 'omit' | 'same-origin' | 'include';
    readonly headers?: Record<string, string>;
  };
}

/** Options of {@link WorkerPredictor.createSession}: SegmentationSession's, plus how the pixels travel. */
export interface WorkerSessionOptions extends Partial<SegmentationSessionOptions> {
  /**
   * true: move the image's buffer to the worker (no copy; the caller's array is detached afterwards and reads
   * as empty). false (default): copy it once, so the caller keeps its pixels. Either way it crosses once per
   * session, never per click.
   */
  readonly transferImage?: boolean;
}

/**
 * The SDK's model and predictor in a dedicated Web Worker, and the sessions over it: the browser path that
 * keeps the page's thread free while the model and the per-click processing run (the worker script is
 * `dist/web-worker.mjs` of this package, with onnxruntime-web inside it). The worker-side counterpart of
 * `createWebModel` + `ClickPredictor.create`; sessions from {@link createSession} mirror SegmentationSession.
 *
 * One worker per predictor; share one predictor between the images of a page (one session per image), as with
 * ClickPredictor. {@link close} terminates the worker.
 */
export class WorkerPredictor {
  /** What the model file says about itself. */
  readonly metadata: ModelMetadata;
  /** The predictor's options, resolved (as `ClickPredictor.options`). */
  readonly options: PredictorOptions;
  /** The execution providers onnxruntime-web was asked for, in order. */
  readonly executionProviders: readonly string[];
  /** What runs the model: 'webgpu' when onnxruntime-web started WebGPU in the worker, else 'wasm'. */
  readonly backend: 'webgpu' | 'wasm';
  /** WebAssembly threads onnxruntime-web uses in the worker. */
  readonly wasmNumThreads: number;
  /** Whether the worker is cross-origin isolated (WebAssembly threads need it). */
  readonly crossOriginIsolated: boolean;

  readonly #channel: WorkerChannel;
  readonly #sessions: Map<number, WorkerSession>;
  #closing: Promise<void> | undefined;

  private constructor(channel: WorkerChannel, sessions: Map<number, WorkerSession>, info: WorkerModelInfo) {
    this.#channel = channel;
    this.#sessions = sessions;
    this.metadata = info.metadata;
    this.options = info.predictorOptions;
    this.executionProviders = info.executionProviders;
    this.backend = info.backend;
    this.wasmNumThreads = info.wasmNumThreads;
    this.crossOriginIsolated = info.crossOriginIsolated;
  }

  /**
   * Starts the worker and loads the model in it (a URL, resolved against the page, or the file's bytes, copied
   * once), checked against the contract as `createWebModel` does.
   * @throws {@link ModelLoadError} (the worker script or the model cannot be loaded), {@link ModelContractError},
   *   {@link InvalidArgumentError}: the errors of `createWebModel` and `ClickPredictor.create`, rebuilt as their
   *   classes.
   */
  static async create(
    model: string | URL | Uint8Array | ArrayBuffer,
    options: WorkerPredictorOptions = {},
  ): Promise<WorkerPredictor> {
    if (typeof Worker === 'undefined')
      throw new ModelLoadError('this runtime has no Web Workers (use createWebModel instead)');
    const { source, transfer } = modelSource(model);
    const { predictor: predictorOptions = {}, workerUrl, ...modelOptions } = options;
    const sessions = new Map<number, WorkerSession>();
    let worker;
    try {
      // Written out as `new Worker(new URL('./web-worker.mjs', import.meta.url), ...)`: the form that Vite, webpack
      // and Parcel recognise, so an application's bundler emits the worker script with the application.
      worker =
        workerUrl !== undefined
          ? new Worker(workerUrl, { type: 'module', name: 'simpleclick' })
          : new Worker(new URL('./web-worker.mjs', import.meta.url), { type: 'module', name: 'simpleclick' });
    } catch (error) {
      const where = String(workerUrl ?? 'web-worker.mjs');
      throw new ModelLoadError(`cannot start the SimpleClick worker from ${where}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const channel = new WorkerChannel(worker, (message: WorkerEventMessage) =>
      sessions.get(message.sessionId)?.receive(message),
    );
    try {
      const info = await channel.request<WorkerModelInfo>(
        {
          type: 'init',
          protocolVersion: WORKER_PROTOCOL_VERSION,
          model: source,
          modelOptions: {
            ...modelOptions,
            ...(modelOptions.wasmPaths !== undefined ? { wasmPaths: resolveAgainstPage(modelOptions.wasmPaths) } : {}),
          },
          predictorOptions,
        },
        transfer,
      );
      return new WorkerPredictor(channel, sessions, info);
    } catch (error) {
      channel.stop(new SessionClosedError('the SimpleClick worker did not start'));
      throw error;
    }
  }

  /** Whether {@link close} was called (or the worker stopped). */
  get isClosed(): boolean {
    return this.#closing !== undefined || this.#channel.isStopped;
  }

  /**
   * A session on `image`, living in the worker: RGB (`RgbImage`), RGBA (`ImageData`, e.g. straight from
   * `getImageData`: the alpha is dropped in the worker, off the page's thread), or a decoded `ImageBitmap` (from
   * `createImageBitmap`), which is moved to the worker (closed on this side whatever `transferImage` says) and read
   * there in an OffscreenCanvas, so the page never reads the pixels at all. Decode the bitmap with
   * `premultiplyAlpha: 'none'` (and `colorSpaceConversion: 'none'` for the file's own values), as for getImageData.
   * @throws {@link InvalidImageError} (a buffer of neither size, a closed bitmap, no OffscreenCanvas in the
   *   worker), the errors of `SegmentationSession.create`.
   */
  async createSession(
    image: RgbImage | ImageDataLike | ImageBitmapLike,
    options: WorkerSessionOptions = {},
  ): Promise<WorkerSession> {
    if (this.isClosed) throw new SessionClosedError('the predictor is closed');
    const { transferImage = false, ownsPredictor = false, ...sessionOptions } = options;
    const { image: wire, transfer } = wireImage(image, transferImage);
    const created = await this.#channel.request<CreatedWorkerSession>(
      { type: 'create-session', image: wire, options: sessionOptions },
      transfer,
    );
    const session = new WorkerSession(
      {
        request: (body, list) => this.#channel.request(body, list),
        forget: (sessionId) => this.#sessions.delete(sessionId),
        closePredictor: () => this.close(),
      },
      created,
      ownsPredictor,
    );
    this.#sessions.set(created.sessionId, session);
    return session;
  }

  /**
   * Runs the model once on a small grey image, so that the first click does not pay for onnxruntime's
   * one-off compilation. Resolves with the run's milliseconds.
   */
  warmUp(sizePx = 64): Promise<number> {
    if (!Number.isInteger(sizePx) || sizePx < 8)
      return Promise.reject(new InvalidArgumentError('sizePx must be an integer >= 8'));
    return this.#channel.request<number>({ type: 'warm-up', sizePx });
  }

  /** What crossed the worker boundary so far, both ways: bytes moved and bytes copied (see ChannelTransferStats). */
  async getTransferStats(): Promise<WorkerTransferStats> {
    const toWorker: ChannelTransferStats = this.#channel.stats();
    const fromWorker = await this.#channel.request<ChannelTransferStats>({ type: 'transfer-stats' });
    return { toWorker, fromWorker };
  }

  /**
   * Closes every session, frees the model in the worker, then terminates the worker (also when it does not
   * answer within `timeoutMs`). Requests still waiting reject with {@link SessionClosedError}. Idempotent.
   */
  close(timeoutMs = 5000): Promise<void> {
    this.#closing ??= this.#closeOnce(timeoutMs);
    return this.#closing;
  }

  async #closeOnce(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.#channel.request({ type: 'close' }).catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.#channel.stop(new SessionClosedError('the SimpleClick worker was closed'));
      const sessions = [...this.#sessions.values()];
      this.#sessions.clear();
      for (const session of sessions) session.workerClosed();
    }
  }
}

/**
 * Starts the SDK's worker with a model: see {@link WorkerPredictor.create}. The browser counterpart of
 * `ClickPredictor.create(await createWebModel(...))` that keeps the page's thread free.
 */
export function createWorkerPredictor(
  model: string | URL | Uint8Array | ArrayBuffer,
  options: WorkerPredictorOptions = {},
): Promise<WorkerPredictor> {
  return WorkerPredictor.create(model, options);
}

/**
 * One image, one worker: a predictor and a session that owns it, so `session.close()` terminates the worker.
 * For several images on one page, create one {@link WorkerPredictor} and a session per image instead.
 */
export async function createWorkerSession(
  model: string | URL | Uint8Array | ArrayBuffer,
  image: RgbImage | ImageDataLike | ImageBitmapLike,
  options: WorkerPredictorOptions & { readonly session?: WorkerSessionOptions } = {},
): Promise<WorkerSession> {
  const { session: sessionOptions, ...predictorOptions } = options;
  const predictor = await WorkerPredictor.create(model, predictorOptions);
  try {
    return await predictor.createSession(image, { ...sessionOptions, ownsPredictor: true });
  } catch (error) {
    await predictor.close();
    throw error;
  }
}

/** A relative URL means relative to the page, not to the worker script (which a worker would resolve against). */
function resolveAgainstPage(url: string | URL): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return base === undefined ? String(url) : new URL(String(url), base).href;
}

function modelSource(model: string | URL | Uint8Array | ArrayBuffer): {
  source: string | ArrayBuffer;
  transfer: Transferable[];
} {
  if (typeof model === 'string' || model instanceof URL) return { source: resolveAgainstPage(model), transfer: [] };
  if (model instanceof ArrayBuffer || model instanceof Uint8Array) {
    // A copy, moved: the caller keeps its bytes, and the model crosses once.
    const copy = model instanceof ArrayBuffer ? model.slice(0) : model.slice().buffer;
    return { source: copy, transfer: [copy] };
  }
  throw new InvalidArgumentError('model must be a URL or the bytes of the ONNX file');
}

function wireImage(
  image: RgbImage | ImageDataLike | ImageBitmapLike,
  transferImage: boolean,
): { image: WireImage; transfer: Transferable[] } {
  if (typeof image !== 'object' || image === null)
    throw new InvalidImageError(`image must be an RgbImage, ImageData or ImageBitmap, got ${String(image)}`);
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    // A bitmap reads 0 x 0 once closed or moved.
    throw new InvalidImageError(`image size must be positive integers, got ${width} x ${height}`);
  }
  if (!('data' in image) && typeof image.close === 'function') {
    const bitmap = image;
    return { image: { width, height, bitmap }, transfer: [bitmap] };
  }
  const { data } = image as RgbImage | ImageDataLike;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray))
    throw new InvalidImageError('image data must be a Uint8Array or Uint8ClampedArray');
  const channels = data.length === width * height * 3 ? 3 : data.length === width * height * 4 ? 4 : undefined;
  if (channels === undefined) {
    throw new InvalidImageError(
      `image data must have ${width * height * 3} (RGB) or ${width * height * 4} (RGBA) bytes for ${width} x ${height}, got ${data.length}`,
    );
  }
  // Moving the buffer hands over all of it: a view of part of a larger buffer is copied instead.
  const wholeBuffer =
    data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  const pixels = transferImage && wholeBuffer ? data : data.slice();
  return { image: { width, height, channels, data: pixels }, transfer: [pixels.buffer as ArrayBuffer] };
}
