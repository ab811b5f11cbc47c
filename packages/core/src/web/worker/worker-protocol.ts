/**
 * The messages between the page and the SDK's worker (worker-host.ts runs there, worker-predictor.ts and
 * worker-session.ts are the page's side). Requests carry an `id`; the worker answers each with one `reply`
 * of the same id. Session events flow from the worker unasked. The worker handles requests in arrival order
 * (each session queues its operations as SegmentationSession does), and `postMessage` keeps order, so events
 * and replies arrive in the order the worker produced them.
 *
 * Image-sized arrays are always moved (transferred), never copied: the image once per session (copied once
 * instead when the caller keeps its buffer), each new mask once (see {@link WireState}), read-backs
 * (`getMask`, `getLabelMap`, ...) as the fresh buffers they are.
 */
import type { Click } from '../../clicks/click';
import type { ModelMetadata } from '../../model/segmentation-model';
import type { PredictorOptions, PredictorOptionsInput } from '../../predictor/predictor-options';
import type { PredictionTiming } from '../../session/session-events';
import type { SegmentationSessionOptions } from '../../session/session-options';
import type { SessionOperationKind, SessionState } from '../../session/session-state';
import type { BinaryMask } from '../../mask/binary-mask';
import type { SerializedError } from './serialized-error';
import type { ImageBitmapLike } from './worker-like';

/** Version of this protocol: the page refuses a worker script built from another version of the SDK. */
export const WORKER_PROTOCOL_VERSION = 1;

/** The model options that cross to the worker (those of `WebModelOptions` that are plain data). */
export interface WireModelOptions {
  readonly executionProviders?: readonly string[];
  readonly numThreads?: number;
  readonly wasmPaths?: string;
  readonly fetchInit?: {
    readonly credentials?: 'omit' | 'same-origin' | 'include';
    readonly headers?: Record<string, string>;
  };
}

/**
 * Pixels to start a session on: RGB as the SDK keeps it, or RGBA as a canvas gives it (converted in the worker),
 * or a decoded image (`ImageBitmap`) whose pixels the worker reads itself.
 */
export type WireImage =
  | {
      readonly width: number;
      readonly height: number;
      readonly channels: 3 | 4;
      readonly data: Uint8Array | Uint8ClampedArray;
    }
  | { readonly width: number; readonly height: number; readonly bitmap: ImageBitmapLike };

/** The session methods that queue an operation and resolve with a {@link SessionState}. */
export type WorkerSessionOperation =
  | 'addClick'
  | 'undo'
  | 'redo'
  | 'reset'
  | 'finishObject'
  | 'selectObject'
  | 'deleteObject'
  | 'importMask'
  | 'setThreshold'
  | 'restoreSnapshot';

/** The session methods that read without queueing. */
export type WorkerSessionRead =
  | 'getMask'
  | 'getProbabilities'
  | 'getLabelMap'
  | 'toSnapshot'
  | 'getHistoryStats'
  // Not a SegmentationSession method: the worker computes it with computeObjectOutputs (object-outputs.ts).
  | 'getObjectOutputs';

/** Page -> worker. */
export type WorkerRequest =
  | {
      readonly type: 'init';
      readonly id: number;
      readonly protocolVersion: number;
      readonly model: string | ArrayBuffer;
      readonly modelOptions: WireModelOptions;
      readonly predictorOptions: PredictorOptionsInput;
    }
  | { readonly type: 'warm-up'; readonly id: number; readonly sizePx: number }
  | {
      readonly type: 'create-session';
      readonly id: number;
      readonly image: WireImage;
      readonly options: Partial<SegmentationSessionOptions>;
    }
  | {
      readonly type: 'operation';
      readonly id: number;
      readonly sessionId: number;
      readonly method: WorkerSessionOperation;
      readonly args: readonly unknown[];
    }
  | {
      readonly type: 'read';
      readonly id: number;
      readonly sessionId: number;
      readonly method: WorkerSessionRead;
      readonly args: readonly unknown[];
    }
  | { readonly type: 'close-session'; readonly id: number; readonly sessionId: number }
  | { readonly type: 'transfer-stats'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

/**
 * A session state on the wire. `mask` is sent (moved) only with the first message that carries its revision;
 * later messages of the same revision (a `change` event after the `prediction` event, the operation's reply)
 * leave it out and the page reuses the one it received, as SegmentationSession shares one mask between them.
 */
export interface WireState extends Omit<SessionState, 'mask'> {
  readonly mask?: BinaryMask;
}

/** What the worker reports after `init`. */
export interface WorkerModelInfo {
  readonly metadata: ModelMetadata;
  readonly predictorOptions: PredictorOptions;
  /** The execution providers onnxruntime-web was asked for, in order. */
  readonly executionProviders: readonly string[];
  /** 'webgpu' when onnxruntime-web started WebGPU, else 'wasm'. */
  readonly backend: 'webgpu' | 'wasm';
  /** `ort.env.wasm.numThreads` in the worker. */
  readonly wasmNumThreads: number;
  /** Whether the worker is cross-origin isolated (WebAssembly threads need it). */
  readonly crossOriginIsolated: boolean;
}

/** Worker -> page: the answer to one request. */
export type WorkerReply =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: SerializedError };

/** Worker -> page: a session event. */
export type WorkerEventMessage =
  | {
      readonly type: 'event';
      readonly sessionId: number;
      readonly event: 'prediction';
      readonly payload: {
        readonly revision: number;
        readonly cause: SessionOperationKind;
        readonly objectId: number;
        readonly mask?: BinaryMask;
        readonly clicks: readonly Click[];
        readonly threshold: number;
        readonly timing: PredictionTiming;
      };
    }
  | {
      readonly type: 'event';
      readonly sessionId: number;
      readonly event: 'change';
      readonly payload: { readonly revision: number; readonly cause: SessionOperationKind; readonly state: WireState };
    }
  | {
      readonly type: 'event';
      readonly sessionId: number;
      readonly event: 'error';
      readonly payload: {
        readonly revision: number;
        readonly operation: SessionOperationKind | 'listener';
        readonly error: SerializedError;
        readonly click?: Click;
      };
    };

/** Everything the worker posts. */
export type WorkerMessage = WorkerReply | WorkerEventMessage;
