import { EventEmitter } from 'eventemitter3';
import type { Click } from '../../clicks/click';
import { SessionClosedError } from '../../errors';
import type { FloatMap } from '../../image/float-map';
import type { BinaryMask } from '../../mask/binary-mask';
import type { RestoreSnapshotOptions } from '../../session/segmentation-session';
import type { LabelMap, LabelMapOptions } from '../../session/label-map';
import type { PredictionEvent, SessionChangeEvent, SessionErrorEvent } from '../../session/session-events';
import type { SegmentationSessionOptions } from '../../session/session-options';
import type { SessionSnapshot } from '../../session/session-snapshot';
import type { SessionHistoryStats, SessionState } from '../../session/session-state';
import type { ObjectOutputs, ObjectOutputsRequest } from './object-outputs';
import { deserializeError } from './serialized-error';
import type { WorkerRequestBody } from './worker-channel';
import type { Transferable } from './worker-like';
import type { WireState, WorkerEventMessage, WorkerSessionOperation, WorkerSessionRead } from './worker-protocol';

/**
 * A {@link PredictionEvent} from a session in the worker. The same fields, without `probabilities`: the
 * full-size float map would cost 4 bytes per pixel per click to build and move; read it when needed with
 * {@link WorkerSession.getProbabilities}.
 */
export type WorkerPredictionEvent = Omit<PredictionEvent, 'probabilities'>;

/** Events of a {@link WorkerSession}: those of SegmentationSession (eventemitter3 typing). */
export interface WorkerSessionEvents {
  prediction: [event: WorkerPredictionEvent];
  change: [event: SessionChangeEvent];
  error: [event: SessionErrorEvent];
  /** The session closed (by `close()`, or because its worker was closed); no event follows. */
  closed: [];
}

/**
 * What a WorkerSession needs from the predictor that made it (worker-predictor.ts). Internal: sessions are
 * made by {@link WorkerPredictor.createSession} and {@link createWorkerSession}.
 */
export interface WorkerSessionLink {
  request<T>(body: WorkerRequestBody, transfer?: Transferable[]): Promise<T>;
  /** The session closed: stop routing its events. */
  forget(sessionId: number): void;
  /** Closes the predictor (and its worker), for a session that owns it. */
  closePredictor(): Promise<void>;
}

/** What the worker answers to `create-session`. */
export interface CreatedWorkerSession {
  readonly sessionId: number;
  readonly state: WireState;
  readonly options: SegmentationSessionOptions;
}

/**
 * A {@link SegmentationSession} that lives in the SDK's Web Worker: the model run and all per-click work
 * (zoom-in crop, resizes, thresholding, the full-size mask) happen off the page's thread; each new mask
 * arrives moved (transferred), never copied. Made by {@link WorkerPredictor.createSession} or
 * {@link createWorkerSession}.
 *
 * Same methods and events as SegmentationSession, with the same ordering rules (operations queue in call
 * order, an `undo()` cancels a click still waiting, events come before the operation's promise settles, every
 * change increments `revision`), and the same typed errors (rebuilt as their classes on this side). What
 * differs, because the data lives in another thread:
 *
 * - reads that build image-sized buffers are async: `getMask`, `getProbabilities`, `getLabelMap`,
 *   `toSnapshot`, `getHistoryStats` return promises (their buffers arrive moved);
 * - `getState()` stays synchronous: the state after the last operation whose result reached this thread (its
 *   `mask` is the current object's, kept here once per revision);
 * - `prediction` events have no `probabilities` (see {@link WorkerPredictionEvent});
 * - there is no `image` getter: the pixels were handed to the worker (see `transferImage`).
 *
 * ```ts
 * const predictor = await createWorkerPredictor('models/simpleclick-xtiny-narrow-finetuned-384.onnx');
 * const session = await predictor.createSession(context.getImageData(0, 0, width, height), { transferImage: true });
 * session.on('prediction', (event) => draw(event.mask));
 * await session.addClick({ xPx: 120, yPx: 80, isPositive: true });
 * const mask = await session.getMask();
 * await session.close();
 * await predictor.close(); // terminates the worker
 * ```
 */
export class WorkerSession {
  /** The options the session was created with, defaults filled in (as SegmentationSession's). */
  readonly options: SegmentationSessionOptions;
  /** Size of the image being segmented. */
  readonly imageWidth: number;
  readonly imageHeight: number;

  readonly #link: WorkerSessionLink;
  readonly #sessionId: number;
  readonly #ownsPredictor: boolean;
  readonly #emitter = new EventEmitter<WorkerSessionEvents>();
  /** The newest mask received and its revision: later messages of that revision refer to it. */
  #latestMask: { readonly revision: number; readonly mask: BinaryMask };
  #state: SessionState;
  #pending = 0;
  #closing: Promise<void> | undefined;
  #closed = false;

  /** @internal Use {@link WorkerPredictor.createSession}. */
  constructor(link: WorkerSessionLink, created: CreatedWorkerSession, ownsPredictor: boolean) {
    this.#link = link;
    this.#sessionId = created.sessionId;
    this.#ownsPredictor = ownsPredictor;
    this.options = Object.freeze({ ...created.options, ownsPredictor });
    const firstMask = created.state.mask;
    if (firstMask === undefined) throw new SessionClosedError('the worker sent a session without its mask');
    this.#latestMask = { revision: created.state.revision, mask: firstMask };
    this.#state = this.#decodeState(created.state);
    this.imageWidth = firstMask.width;
    this.imageHeight = firstMask.height;
  }

  // ----- events -----

  /** Adds a listener. See {@link WorkerSessionEvents}. */
  on<K extends keyof WorkerSessionEvents>(event: K, listener: (...args: WorkerSessionEvents[K]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<K extends keyof WorkerSessionEvents>(event: K, listener: (...args: WorkerSessionEvents[K]) => void): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /** Removes a listener (all listeners of `event` when `listener` is left out). */
  off<K extends keyof WorkerSessionEvents>(event: K, listener?: (...args: WorkerSessionEvents[K]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  // ----- live facts -----

  /** The revision of the newest state received from the worker. */
  get revision(): number {
    return this.#state.revision;
  }

  /** Operations called and not yet settled (the running one included). */
  get pendingOperations(): number {
    return this.#pending;
  }

  /** Whether `close()` was called or the worker was closed. */
  get isClosed(): boolean {
    return this.#closing !== undefined || this.#closed;
  }

  // ----- operations (as SegmentationSession's) -----

  /** Adds a click to the current object and runs the model; see SegmentationSession.addClick. */
  addClick(click: Click): Promise<SessionState> {
    return this.#operate('addClick', [click]);
  }

  /** Goes back one state of the current object, or cancels a waiting click; see SegmentationSession.undo. */
  undo(): Promise<SessionState> {
    return this.#operate('undo', []);
  }

  /** Goes forward one undone state of the current object. */
  redo(): Promise<SessionState> {
    return this.#operate('redo', []);
  }

  /** Returns the current object to its start, as one undoable step. */
  reset(): Promise<SessionState> {
    return this.#operate('reset', []);
  }

  /** Finishes the current object and starts a new empty one. */
  finishObject(): Promise<SessionState> {
    return this.#operate('finishObject', []);
  }

  /** Makes an earlier object current. */
  selectObject(objectId: number): Promise<SessionState> {
    return this.#operate('selectObject', [objectId]);
  }

  /** Deletes an object (not undoable). */
  deleteObject(objectId: number): Promise<SessionState> {
    return this.#operate('deleteObject', [objectId]);
  }

  /** Starts a new object from a mask (copied to the worker once). */
  importMask(mask: BinaryMask | FloatMap): Promise<SessionState> {
    return this.#operate('importMask', [mask]);
  }

  /** Changes the threshold of every object without rerunning the model. */
  setThreshold(threshold: number): Promise<SessionState> {
    return this.#operate('setThreshold', [threshold]);
  }

  /** Replaces every object with those of a snapshot. */
  restoreSnapshot(snapshot: SessionSnapshot, options: RestoreSnapshotOptions = {}): Promise<SessionState> {
    return this.#operate('restoreSnapshot', [snapshot, options]);
  }

  // ----- reads -----

  /**
   * The session as of the last operation whose result reached this thread (operations still queued or
   * running in the worker are not in it). Synchronous, like SegmentationSession's.
   * @throws {@link SessionClosedError} after `close()`.
   */
  getState(): SessionState {
    if (this.isClosed) throw new SessionClosedError('the session is closed');
    return this.#state;
  }

  /** An object's mask at the current threshold (default: the current object), as a new buffer moved from the worker. */
  getMask(objectId?: number): Promise<BinaryMask> {
    return this.#read('getMask', objectId === undefined ? [] : [objectId]);
  }

  /** An object's probabilities at full image size, as a new buffer moved from the worker. */
  getProbabilities(objectId?: number): Promise<FloatMap> {
    return this.#read('getProbabilities', objectId === undefined ? [] : [objectId]);
  }

  /** All objects drawn into one map of object ids; see SegmentationSession.getLabelMap. */
  getLabelMap(options?: LabelMapOptions): Promise<LabelMap> {
    return this.#read('getLabelMap', options === undefined ? [] : [options]);
  }

  /** A JSON-serialisable record of the work; see SegmentationSession.toSnapshot. */
  toSnapshot(): Promise<SessionSnapshot> {
    return this.#read('toSnapshot', []);
  }

  /** What the session holds for undo and redo. */
  getHistoryStats(): Promise<SessionHistoryStats> {
    return this.#read('getHistoryStats', []);
  }

  /**
   * What an annotation tool computes from an object's mask after each click, computed in the worker: the mask
   * cleaned up (with the object's clicks), its area, the mean probability inside it, Label Studio's brush RLE
   * and polygons, as `request` asks (see {@link ObjectOutputsRequest}). The answer is small whatever the image
   * size (the mask itself only when asked for, and then moved): the page's thread does no image-sized work.
   * A main-thread session gets the same results from `computeObjectOutputs`.
   * @param objectId - Defaults to the current object. Like the other reads it does not queue behind operations:
   *   await the click first.
   * @throws {@link InvalidArgumentError} for an unknown object or bad options; {@link SessionClosedError}.
   */
  getObjectOutputs(objectId: number | undefined, request: ObjectOutputsRequest): Promise<ObjectOutputs> {
    return this.#read('getObjectOutputs', [objectId, request]);
  }

  // ----- close -----

  /**
   * Closes the session in the worker (operations that have not started reject with {@link SessionClosedError},
   * a running click finishes and is dropped), then closes the predictor and terminates its worker when the
   * session owns it (`ownsPredictor`, as {@link createWorkerSession} makes it), emits `closed` and removes
   * listeners. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  // ----- from the predictor -----

  /** @internal An event of this session, from the worker. */
  receive(message: WorkerEventMessage): void {
    if (this.#closed) return;
    switch (message.event) {
      case 'prediction': {
        const { mask, ...rest } = message.payload;
        this.#emit('prediction', Object.freeze({ ...rest, mask: this.#maskOf(message.payload.revision, mask) }));
        break;
      }
      case 'change': {
        const state = this.#decodeState(message.payload.state);
        this.#emit(
          'change',
          Object.freeze({ revision: message.payload.revision, cause: message.payload.cause, state }),
        );
        break;
      }
      case 'error': {
        const { error, ...rest } = message.payload;
        this.#emit('error', Object.freeze({ ...rest, error: deserializeError(error) }));
        break;
      }
    }
  }

  /** @internal The worker was closed: this session ends with it. */
  workerClosed(): void {
    this.#finish();
  }

  // ----- internals -----

  async #operate(method: WorkerSessionOperation, args: readonly unknown[]): Promise<SessionState> {
    if (this.isClosed) throw new SessionClosedError('the session is closed');
    this.#pending += 1;
    try {
      const wire = await this.#link.request<WireState>({ type: 'operation', sessionId: this.#sessionId, method, args });
      return this.#decodeState(wire);
    } finally {
      this.#pending -= 1;
    }
  }

  async #read<T>(method: WorkerSessionRead, args: readonly unknown[]): Promise<T> {
    if (this.isClosed) throw new SessionClosedError('the session is closed');
    return this.#link.request<T>({ type: 'read', sessionId: this.#sessionId, method, args });
  }

  async #closeOnce(): Promise<void> {
    try {
      await this.#link.request({ type: 'close-session', sessionId: this.#sessionId });
    } catch {
      // The worker is gone already (its predictor was closed): the session is closed either way.
    }
    try {
      if (this.#ownsPredictor) await this.#link.closePredictor();
    } finally {
      this.#finish();
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#link.forget(this.#sessionId);
    this.#emit('closed');
    this.#emitter.removeAllListeners();
  }

  /** A wire state as the SessionState it was in the worker (the mask from an earlier message of its revision). */
  #decodeState(wire: WireState): SessionState {
    const { mask, ...rest } = wire;
    const state: SessionState = Object.freeze({ ...rest, mask: this.#maskOf(wire.revision, mask) });
    if (this.#state === undefined || state.revision >= this.#state.revision) this.#state = state;
    return state;
  }

  #maskOf(revision: number, mask: BinaryMask | undefined): BinaryMask {
    if (mask !== undefined) {
      this.#latestMask = { revision, mask };
      return mask;
    }
    if (this.#latestMask.revision !== revision) {
      // The worker sends each revision's mask with its first message, and messages keep their order.
      throw new SessionClosedError(`the worker referred to the mask of revision ${revision}, which never arrived`);
    }
    return this.#latestMask.mask;
  }

  /** Emits without letting a throwing listener break message handling; its exception goes to `error` listeners. */
  #emit<K extends keyof WorkerSessionEvents>(event: K, ...args: WorkerSessionEvents[K]): void {
    try {
      (this.#emitter.emit as (event: K, ...rest: WorkerSessionEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      if (event === 'error') return;
      try {
        this.#emitter.emit('error', { revision: this.#state.revision, operation: 'listener', error });
      } catch {
        // Nowhere left to report.
      }
    }
  }
}
