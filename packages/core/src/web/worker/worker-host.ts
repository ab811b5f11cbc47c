import * as ort from 'onnxruntime-web';
import { InvalidArgumentError, InvalidImageError, SessionClosedError } from '../../errors';
import type { FloatMap } from '../../image/float-map';
import type { RgbImage } from '../../image/rgb-image';
import type { BinaryMask } from '../../mask/binary-mask';
import { ClickPredictor } from '../../predictor/click-predictor';
import { SegmentationSession } from '../../session/segmentation-session';
import type { LabelMap } from '../../session/label-map';
import type { SessionState } from '../../session/session-state';
import { rgbImageFromImageData, type ImageDataLike } from '../image-data';
import { createWebModel } from '../onnx-web';
import { computeObjectOutputs, type ObjectOutputsRequest } from './object-outputs';
import { serializeError } from './serialized-error';
import { TransferCounter } from './transfer-stats';
import type { ImageBitmapLike, MessageEndpointLike, Transferable } from './worker-like';
import {
  WORKER_PROTOCOL_VERSION,
  type WireImage,
  type WireState,
  type WorkerEventMessage,
  type WorkerModelInfo,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSessionOperation,
  type WorkerSessionRead,
} from './worker-protocol';

/** One session living in the worker. */
interface HostedSession {
  readonly session: SegmentationSession;
  /** The newest revision whose mask was moved to the page (its buffer is detached here since). */
  lastSentRevision: number;
}

/** A value to reply with and the buffers to move with it. */
interface ReplyValue {
  readonly value: unknown;
  readonly transfer: Transferable[];
}

const OPERATIONS: ReadonlySet<WorkerSessionOperation> = new Set<WorkerSessionOperation>([
  'addClick',
  'undo',
  'redo',
  'reset',
  'finishObject',
  'selectObject',
  'deleteObject',
  'importMask',
  'setThreshold',
  'restoreSnapshot',
]);
const READS: ReadonlySet<WorkerSessionRead> = new Set<WorkerSessionRead>([
  'getMask',
  'getProbabilities',
  'getLabelMap',
  'toSnapshot',
  'getHistoryStats',
  'getObjectOutputs',
]);

/**
 * The worker's side of the SDK's worker (its script, web-worker.mjs, calls this): one model and its
 * ClickPredictor, and any number of SegmentationSessions over it, driven by the page's requests
 * (worker-protocol.ts). Everything per click (the model run, crops, resizes, thresholding, masks) happens
 * here; the page receives each new mask once, moved.
 */
export class WorkerHost {
  readonly #endpoint: MessageEndpointLike;
  readonly #counter = new TransferCounter();
  readonly #sessions = new Map<number, HostedSession>();
  #predictor: ClickPredictor | undefined;
  #nextSessionId = 1;
  #closed = false;

  constructor(endpoint: MessageEndpointLike) {
    this.#endpoint = endpoint;
    endpoint.addEventListener('message', (event) => this.#handle(event.data as WorkerRequest));
  }

  /** Answers one request. Session calls start synchronously here, so they queue in arrival order. */
  #handle(request: WorkerRequest): void {
    let reply: Promise<ReplyValue>;
    try {
      reply = this.#dispatch(request);
    } catch (error) {
      reply = Promise.reject(error);
    }
    const fail = (error: unknown) =>
      this.#post({ type: 'reply', id: request.id, ok: false, error: serializeError(error) } satisfies WorkerReply, []);
    reply
      .then(({ value, transfer }) =>
        this.#post({ type: 'reply', id: request.id, ok: true, value } satisfies WorkerReply, transfer),
      )
      // A value that cannot be cloned must still answer the request, or the page would wait forever.
      .catch(fail);
  }

  #dispatch(request: WorkerRequest): Promise<ReplyValue> {
    if (this.#closed && request.type !== 'close' && request.type !== 'transfer-stats') {
      throw new SessionClosedError('the SimpleClick worker is closed');
    }
    switch (request.type) {
      case 'init':
        return this.#init(request);
      case 'warm-up':
        return this.#warmUp(request.sizePx);
      case 'create-session':
        return this.#createSession(request.image, request.options);
      case 'operation':
        return this.#operation(request.sessionId, request.method, request.args);
      case 'read':
        return Promise.resolve(this.#read(request.sessionId, request.method, request.args));
      case 'close-session':
        return this.#closeSession(request.sessionId);
      case 'transfer-stats':
        return Promise.resolve({ value: this.#counter.stats(), transfer: [] });
      case 'close':
        return this.#close();
      default:
        throw new InvalidArgumentError(`unknown request ${String((request as { type?: unknown }).type)}`);
    }
  }

  async #init(request: Extract<WorkerRequest, { type: 'init' }>): Promise<ReplyValue> {
    if (request.protocolVersion !== WORKER_PROTOCOL_VERSION) {
      throw new InvalidArgumentError(
        `the worker script speaks protocol ${WORKER_PROTOCOL_VERSION}, the page ${String(request.protocolVersion)}: ` +
          'serve the web-worker.mjs built with the same @simpleclick/core as web.mjs',
      );
    }
    if (this.#predictor !== undefined) throw new InvalidArgumentError('the worker already has a model');
    const model = await createWebModel(request.model, request.modelOptions);
    try {
      this.#predictor = await ClickPredictor.create(model, request.predictorOptions);
    } catch (error) {
      await model.close();
      throw error;
    }
    const providers = model.executionProviders;
    // onnxruntime-web sets env.webgpu.adapter only when its WebGPU backend started: it tells which one runs.
    const webGpuStarted = providers[0] === 'webgpu' && ort.env.webgpu.adapter !== undefined;
    const info: WorkerModelInfo = {
      metadata: model.metadata,
      predictorOptions: this.#predictor.options,
      executionProviders: providers,
      backend: webGpuStarted ? 'webgpu' : 'wasm',
      wasmNumThreads: ort.env.wasm.numThreads ?? 1,
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    };
    return { value: info, transfer: [] };
  }

  /** One model run on a small grey image, so that the first real click does not pay for compilation. */
  async #warmUp(sizePx: number): Promise<ReplyValue> {
    const predictor = this.#requirePredictor();
    const image: RgbImage = { width: sizePx, height: sizePx, data: new Uint8Array(sizePx * sizePx * 3).fill(128) };
    const startMs = performance.now();
    await predictor.predict(image, [{ xPx: sizePx / 2, yPx: sizePx / 2, isPositive: true }]);
    return { value: performance.now() - startMs, transfer: [] };
  }

  async #createSession(wire: WireImage, options: Record<string, unknown>): Promise<ReplyValue> {
    const predictor = this.#requirePredictor();
    const image: RgbImage =
      'bitmap' in wire
        ? rgbImageFromImageData(readBitmap(wire.bitmap))
        : wire.channels === 4
          ? rgbImageFromImageData({ width: wire.width, height: wire.height, data: wire.data })
          : {
              width: wire.width,
              height: wire.height,
              data: new Uint8Array(wire.data.buffer, wire.data.byteOffset, wire.data.length),
            };
    // The worker's sessions share its one predictor; the page owns the worker as a whole.
    const session = await SegmentationSession.create(predictor, image, { ...options, ownsPredictor: false });
    const sessionId = this.#nextSessionId++;
    const hosted: HostedSession = { session, lastSentRevision: -1 };
    this.#sessions.set(sessionId, hosted);
    this.#forwardEvents(sessionId, hosted);
    const transfer: Transferable[] = [];
    const state = this.#wireState(hosted, session.getState(), transfer);
    return { value: { sessionId, state, options: session.options }, transfer };
  }

  #forwardEvents(sessionId: number, hosted: HostedSession): void {
    const { session } = hosted;
    session.on('prediction', (event) => {
      const transfer: Transferable[] = [];
      const mask = this.#maskIfNew(hosted, event.revision, event.mask, transfer);
      const { revision, cause, objectId, clicks, threshold, timing } = event;
      const message: WorkerEventMessage = {
        type: 'event',
        sessionId,
        event: 'prediction',
        payload: { revision, cause, objectId, clicks, threshold, timing, ...(mask !== undefined ? { mask } : {}) },
      };
      this.#post(message, transfer);
    });
    session.on('change', (event) => {
      const transfer: Transferable[] = [];
      const state = this.#wireState(hosted, event.state, transfer);
      this.#post(
        { type: 'event', sessionId, event: 'change', payload: { revision: event.revision, cause: event.cause, state } },
        transfer,
      );
    });
    session.on('error', (event) => {
      const { revision, operation, click } = event;
      const payload = {
        revision,
        operation,
        error: serializeError(event.error),
        ...(click !== undefined ? { click } : {}),
      };
      this.#post({ type: 'event', sessionId, event: 'error', payload }, []);
    });
  }

  async #operation(sessionId: number, method: WorkerSessionOperation, args: readonly unknown[]): Promise<ReplyValue> {
    if (!OPERATIONS.has(method)) throw new InvalidArgumentError(`not a session operation: ${String(method)}`);
    const hosted = this.#requireSession(sessionId);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to its own session on the next line.
    const call = hosted.session[method] as (...callArgs: unknown[]) => Promise<SessionState>;
    const state = await call.apply(hosted.session, [...args]);
    const transfer: Transferable[] = [];
    return { value: this.#wireState(hosted, state, transfer), transfer };
  }

  #read(sessionId: number, method: WorkerSessionRead, args: readonly unknown[]): ReplyValue {
    if (!READS.has(method)) throw new InvalidArgumentError(`not a session read: ${String(method)}`);
    const { session } = this.#requireSession(sessionId);
    if (method === 'getObjectOutputs') return this.#objectOutputs(session, args);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to its own session on the next line.
    const read = session[method] as (...callArgs: unknown[]) => unknown;
    const value = read.apply(session, [...args]);
    // getMask, getProbabilities and getLabelMap return new buffers that nothing here keeps: move them.
    const transfer: Transferable[] = [];
    if (method === 'getMask' || method === 'getProbabilities' || method === 'getLabelMap') {
      transfer.push((value as BinaryMask | FloatMap | LabelMap).data.buffer as ArrayBuffer);
    }
    return { value, transfer };
  }

  /** An object's per-click outputs (clean-up, score, RLE, polygons), computed here so the page gets small results. */
  #objectOutputs(session: SegmentationSession, args: readonly unknown[]): ReplyValue {
    const [requestedId, request] = args as [number | undefined, ObjectOutputsRequest];
    const state = session.getState();
    const objectId = requestedId ?? state.currentObjectId;
    const object = state.objects.find((candidate) => candidate.id === objectId);
    // getMask throws the session's own error for an unknown id.
    const mask = session.getMask(objectId);
    const outputs = computeObjectOutputs(
      { objectId, mask, clicks: object?.clicks ?? [], probabilities: () => session.getProbabilities(objectId).data },
      request,
    );
    // The mask is a new buffer here (getMask's, or the clean-up's): moved, never copied.
    return { value: outputs, transfer: outputs.mask !== undefined ? [outputs.mask.data.buffer as ArrayBuffer] : [] };
  }

  async #closeSession(sessionId: number): Promise<ReplyValue> {
    const hosted = this.#sessions.get(sessionId);
    this.#sessions.delete(sessionId);
    if (hosted !== undefined) await hosted.session.close();
    return { value: undefined, transfer: [] };
  }

  async #close(): Promise<ReplyValue> {
    if (!this.#closed) {
      this.#closed = true;
      const sessions = [...this.#sessions.values()];
      this.#sessions.clear();
      await Promise.allSettled(sessions.map(({ session }) => session.close()));
      await this.#predictor?.close();
      this.#predictor = undefined;
    }
    return { value: undefined, transfer: [] };
  }

  /** The state to post; its mask goes along (moved) only the first time its revision is posted. */
  #wireState(hosted: HostedSession, state: SessionState, transfer: Transferable[]): WireState {
    const { mask, ...rest } = state;
    const moved = this.#maskIfNew(hosted, state.revision, mask, transfer);
    return moved !== undefined ? { ...rest, mask: moved } : rest;
  }

  #maskIfNew(
    hosted: HostedSession,
    revision: number,
    mask: BinaryMask,
    transfer: Transferable[],
  ): BinaryMask | undefined {
    if (revision <= hosted.lastSentRevision) return undefined;
    hosted.lastSentRevision = revision;
    transfer.push(mask.data.buffer as ArrayBuffer);
    return mask;
  }

  #requirePredictor(): ClickPredictor {
    if (this.#predictor === undefined) throw new InvalidArgumentError('the worker has no model yet (init first)');
    return this.#predictor;
  }

  #requireSession(sessionId: number): HostedSession {
    const hosted = this.#sessions.get(sessionId);
    if (hosted === undefined) throw new SessionClosedError('the session is closed');
    return hosted;
  }

  #post(message: WorkerReply | WorkerEventMessage, transfer: Transferable[]): void {
    this.#counter.post(message, transfer, (data, list) => this.#endpoint.postMessage(data, list));
  }
}

/** The parts of OffscreenCanvas read here (typed structurally: the core compiles without the DOM library). */
interface OffscreenCanvasLike {
  getContext(
    kind: '2d',
    options: { willReadFrequently: boolean },
  ): {
    drawImage(image: ImageBitmapLike, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): ImageDataLike;
  } | null;
}

/**
 * The RGBA pixels of a bitmap moved from the page, read here as the page would read them (drawImage into a 2D
 * canvas, getImageData), then the bitmap is closed.
 * @throws {@link InvalidImageError} without OffscreenCanvas in this worker (use ImageData there instead).
 */
function readBitmap(bitmap: ImageBitmapLike): ImageDataLike {
  try {
    const Canvas = (globalThis as { OffscreenCanvas?: new (width: number, height: number) => OffscreenCanvasLike })
      .OffscreenCanvas;
    if (Canvas === undefined)
      throw new InvalidImageError('this worker has no OffscreenCanvas to read an ImageBitmap: pass ImageData instead');
    const context = new Canvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true });
    if (context === null)
      throw new InvalidImageError(
        'this worker gives no 2D OffscreenCanvas to read an ImageBitmap: pass ImageData instead',
      );
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
