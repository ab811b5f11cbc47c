import type { Click } from '../clicks/click';
import { checkedClick } from '../clicks/validate-clicks';
import { nowMs } from '../clock';
import { NoPositiveClickError, SessionClosedError } from '../errors';
import type { FloatMap } from '../image/float-map';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { ClickSegmenter } from '../predictor/click-segmenter';
import { buildSessionState } from './build-session-state';
import { buildLabelMap, type LabelMap, type LabelMapOptions } from './label-map';
import type { HistoryEntry } from './object-history';
import { EMPTY_ENTRY, ObjectRegistry, type RestoredObject } from './object-registry';
import { OperationQueue } from './operation-queue';
import { expandCrop, thresholdCrop } from './probability-crop';
import { entryFromProbabilities, predictEntry, requireStateFromProbabilities } from './segmenter-outputs';
import { SessionEmitter, type OperationClock } from './session-emitter';
import type { SegmentationSessionEvents } from './session-events';
import { checkSessionArguments, probabilitiesFromMask } from './session-input';
import { validateThreshold, type SegmentationSessionOptions } from './session-options';
import { decodeSessionSnapshot, type SessionSnapshot } from './session-snapshot';
import type { SessionHistoryStats, SessionOperationKind, SessionState } from './session-state';
import { rebuildSnapshotObjects, snapshotOf } from './snapshot-objects';

/** Options of {@link SegmentationSession.restoreSnapshot}. */
export interface RestoreSnapshotOptions {
  /**
   * false (the default): each object's saved mask becomes its previous probabilities, as an imported mask
   * would (fast; the next click refines the saved mask). true: rerun the model click by click from each
   * object's start, which rebuilds the exact soft probabilities and zoom-in ROI (one model run per click).
   */
  readonly replayClicks?: boolean;
}

/** What a closed session holds instead of its image: 3 bytes, so the real pixels can be garbage collected. */
const RELEASED_IMAGE: RgbImage = Object.freeze({ width: 1, height: 1, data: new Uint8Array(3) });

/**
 * An interactive click session on one image: add positive and negative clicks, undo, redo and reset them,
 * segment several objects one after the other, edit imported masks, change the threshold, export masks,
 * label maps and snapshots.
 *
 * Ordering: every operation is queued and applied one at a time in call order, and its promise settles in
 * that order, with the {@link SessionState} after it. Clicks that arrive while the model runs wait their
 * turn and are never merged (each SimpleClick prediction refines the previous one). Exception: with
 * `coalesceUndoOfWaitingClick` (the default), an `undo()` called while the latest waiting operation is a
 * click that has not started cancels that click: the model never runs for it, it leaves no trace (it cannot
 * be redone; earlier redo steps stay), and both promises resolve in their turn with the state as it is then.
 * Arguments wrong on their face (a click outside the image, a mask of the wrong size, a bad threshold)
 * reject at once, before anything is queued or changed. Every change increments `revision`, and every event
 * carries it, so a UI can drop stale results. Events are emitted when a change is applied: for an operation
 * that needs no model run while nothing is queued, that is before the method returns.
 *
 * Failures: when the segmenter rejects, the operation's promise rejects with its error, an `error` event is
 * emitted, and the session stays as it was before that operation; later queued operations still run, against
 * that state.
 *
 * Memory: each object keeps at most `maxUndoSteps + 1` states (`maxUndoStepsOfInactiveObjects` per side once
 * another object is being edited), and each state keeps only the bounding box of its non-zero probabilities, or
 * for a ClickPredictor state the smaller of its ROI's values and the network's S x S output (at most 800 KB at
 * S = 448, whatever the image size). Nothing per click is kept at full image size, and nothing of that size is
 * allocated per operation unless it is read: a state's `mask` (and the `prediction` event's, the same object) is
 * built on the first read of its `data`; `getMask`, `getProbabilities` and `getLabelMap` build theirs when called.
 *
 * Ownership: the session owns the predictor only with `ownsPredictor: true`; then `close()` closes it (and a
 * ClickPredictor closes the model it was created over).
 *
 * The class orchestrates: its queue is an OperationQueue, its objects an ObjectRegistry, its events a
 * SessionEmitter; its arguments are checked by session-input.ts, what it keeps of the segmenter's outputs (a
 * click's model run included) comes from segmenter-outputs.ts, the state it reports is built by
 * build-session-state.ts, and snapshots are built and restored by snapshot-objects.ts.
 *
 * ```ts
 * const predictor = await ClickPredictor.create(await createNodeModel('models/simpleclick-xtiny-narrow-finetuned-384.onnx'));
 * const session = await SegmentationSession.create(predictor, image, { ownsPredictor: true });
 * let shown = 0;
 * session.on('prediction', (event) => {
 *   if (event.revision > shown) { shown = event.revision; draw(event.mask); }
 * });
 * await session.addClick({ xPx: 120, yPx: 80, isPositive: true });
 * await session.addClick({ xPx: 140, yPx: 95, isPositive: false });
 * await session.undo();
 * await session.finishObject();
 * const labels = session.getLabelMap();
 * const saved = JSON.stringify(session.toSnapshot());
 * await session.close();
 * ```
 */
export class SegmentationSession {
  /** The options the session was created with, defaults filled in (the threshold in use is `getState().threshold`). */
  readonly options: SegmentationSessionOptions;

  private readonly segmenter: ClickSegmenter<unknown>;
  /** The image; replaced by {@link RELEASED_IMAGE} once closed, so the session no longer keeps its pixels. */
  private openImage: RgbImage;
  private readonly emitter = new SessionEmitter(() => this.revisionNumber);
  private readonly queue = new OperationQueue<SessionOperationKind, SessionState>();
  private readonly registry: ObjectRegistry;
  private threshold: number;
  private revisionNumber = 0;
  private cachedState: SessionState | undefined;
  private closing: Promise<void> | undefined;

  private constructor(segmenter: ClickSegmenter<unknown>, image: RgbImage, options: SegmentationSessionOptions) {
    this.segmenter = segmenter;
    this.openImage = image;
    this.options = options;
    this.threshold = options.threshold;
    this.registry = new ObjectRegistry(options);
  }

  /**
   * Starts a session on `image`.
   *
   * When the predictor has {@link ClickSegmenter.prepareImage} (ClickPredictor does), `create` lets it prepare
   * the image before it resolves (for ClickPredictor: the whole image resized for the first click of each
   * object), so that work is done when the image is opened rather than at the first click. A failure there does
   * not fail `create`: the first click does the work then.
   *
   * @param predictor - The SDK's ClickPredictor or any {@link ClickSegmenter}. Not closed by the session
   *   unless `options.ownsPredictor` is true.
   * @param image - The image; its buffer is used as is (not copied), so do not change it during the session.
   * @param options - Overrides of {@link DEFAULT_SEGMENTATION_SESSION_OPTIONS}. Without `threshold`, the
   *   predictor's `options.maskThreshold` is used when it has one (ClickPredictor does), else 0.49.
   * @throws {@link InvalidArgumentError} for a bad predictor or option, {@link InvalidImageError} for a bad image
   *   (before the predictor is asked to prepare anything).
   */
  static async create<TState>(
    predictor: ClickSegmenter<TState>,
    image: RgbImage,
    options?: Partial<SegmentationSessionOptions>,
  ): Promise<SegmentationSession> {
    const checked = checkSessionArguments(predictor, image, options);
    const session = new SegmentationSession(checked.segmenter, checked.image, checked.options);
    await session.prepareImage();
    return session;
  }

  // ----- events -----

  /** Adds a listener. See {@link SegmentationSessionEvents}. */
  on<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener: (...args: SegmentationSessionEvents[K]) => void,
  ): this {
    this.emitter.on(event, listener);
    return this;
  }

  /** Adds a listener called at most once. */
  once<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener: (...args: SegmentationSessionEvents[K]) => void,
  ): this {
    this.emitter.once(event, listener);
    return this;
  }

  /** Removes a listener (all listeners of `event` when `listener` is left out). */
  off<K extends keyof SegmentationSessionEvents>(
    event: K,
    listener?: (...args: SegmentationSessionEvents[K]) => void,
  ): this {
    this.emitter.off(event, listener);
    return this;
  }

  // ----- live facts -----

  /** The revision of the state applied last. */
  get revision(): number {
    return this.revisionNumber;
  }

  /** Operations called and not yet settled (the running one included). */
  get pendingOperations(): number {
    return this.queue.size;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * The image being segmented.
   * @throws {@link SessionClosedError} after `close()` (the session lets go of the pixels when it closes).
   */
  get image(): RgbImage {
    this.throwIfClosed();
    return this.openImage;
  }

  // ----- clicks -----

  /**
   * Adds a click to the current object and runs the model; emits `prediction` and `change`.
   *
   * A negative click on an object that has no mask yet (no positive click, not started from an imported mask)
   * is refused in its turn with {@link NoPositiveClickError} (an `INVALID_CLICK`): nothing says which object is
   * meant. The model does not run, an `error` event is emitted and the session stays as it was; add a positive
   * click first.
   * @throws {@link InvalidClickError} (at once) for a click outside the image or with a non-finite coordinate.
   */
  async addClick(click: Click): Promise<SessionState> {
    this.throwIfClosed();
    const newClick = checkedClick(click, this.openImage.width, this.openImage.height);
    return this.enqueue('click', async (clock) => {
      const object = this.registry.current;
      const before = object.history.current;
      const clicks = Object.freeze([...before.clicks, newClick]);
      const predictStartMs = nowMs();
      let after: HistoryEntry;
      try {
        // Same rule as ClickPredictor's, here too so that every segmenter gets it.
        if (before.probabilities === undefined && !clicks.some((click) => click.isPositive)) {
          throw new NoPositiveClickError();
        }
        after = await predictEntry(this.segmenter, this.openImage, clicks, before);
      } catch (error) {
        this.throwIfClosedDuringRun();
        this.emitter.emit('error', { revision: this.revisionNumber, operation: 'click', error, click: newClick });
        throw error;
      }
      this.throwIfClosedDuringRun();
      object.history.push(after);
      object.edited = true;
      return this.commit('click', { ...clock, predictMs: nowMs() - predictStartMs }, true);
    });
  }

  /**
   * Goes back one state of the current object (no-op when there is none). Cancels a waiting click instead,
   * see the class notes.
   */
  async undo(): Promise<SessionState> {
    this.throwIfClosed();
    if (this.options.coalesceUndoOfWaitingClick) {
      const lastWaiting = this.queue.lastWaiting();
      if (lastWaiting !== undefined && lastWaiting.kind === 'click' && this.queue.cancel(lastWaiting)) {
        // The pair cancels out; the undo still settles in its turn, after the operations before it.
        return this.queue.enqueueCancelled('undo', () => this.stateNow());
      }
    }
    return this.enqueue('undo', async (clock) => {
      if (!this.registry.current.history.undo()) return this.stateNow();
      return this.commit('undo', clock, true);
    });
  }

  /** Goes forward one undone state of the current object (no-op when there is none). */
  async redo(): Promise<SessionState> {
    this.throwIfClosed();
    return this.enqueue('redo', async (clock) => {
      if (!this.registry.current.history.redo()) return this.stateNow();
      return this.commit('redo', clock, true);
    });
  }

  /**
   * Returns the current object to its start (empty, or the imported mask it started from), as one undoable
   * step. No-op when it is there already.
   */
  async reset(): Promise<SessionState> {
    this.throwIfClosed();
    return this.enqueue('reset', async (clock) => {
      const object = this.registry.current;
      if (object.history.current === object.origin) return this.stateNow();
      object.history.push(object.origin);
      object.edited = true;
      return this.commit('reset', clock, true);
    });
  }

  // ----- objects -----

  /**
   * Finishes the current object and starts a new empty one, which becomes current. No-op when the current
   * object is an untouched placeholder (never clicked, not imported).
   */
  async finishObject(): Promise<SessionState> {
    this.throwIfClosed();
    return this.enqueue('finish-object', async (clock) => {
      if (this.registry.isPlaceholder(this.registry.current)) return this.stateNow();
      this.registry.start(EMPTY_ENTRY, false);
      return this.commit('finish-object', clock, true);
    });
  }

  /**
   * Makes an earlier object current to continue editing it (its clicks, undo steps and state are kept).
   * An untouched placeholder left behind is dropped.
   * @throws {@link InvalidArgumentError} (in its turn) when no object has this id.
   */
  async selectObject(objectId: number): Promise<SessionState> {
    this.throwIfClosed();
    ObjectRegistry.checkId(objectId);
    return this.enqueue('select-object', async (clock) => {
      const target = this.registry.find(objectId);
      if (target === this.registry.current) return this.stateNow();
      this.registry.select(target);
      return this.commit('select-object', clock, true);
    });
  }

  /**
   * Deletes an object (not undoable). When it is the current one, a new empty object becomes current.
   * @throws {@link InvalidArgumentError} (in its turn) when no object has this id.
   */
  async deleteObject(objectId: number): Promise<SessionState> {
    this.throwIfClosed();
    ObjectRegistry.checkId(objectId);
    return this.enqueue('delete-object', async (clock) => {
      const wasCurrent = this.registry.delete(this.registry.find(objectId));
      return this.commit('delete-object', clock, wasCurrent);
    });
  }

  /**
   * Starts a new object from an existing mask, to refine it with clicks: the mask becomes the model's
   * previous-probability input (a BinaryMask as 0/1, a FloatMap as soft probabilities). The previous current
   * object is finished (or dropped if it is an untouched placeholder).
   * @throws {@link InvalidMaskError} (at once) for a mask whose size differs from the image or with values
   *   other than 0, 1 and 255 (BinaryMask: 1 and 255 both mean object) or outside [0, 1] (FloatMap); {@link InvalidArgumentError} when the predictor cannot
   *   start from a mask (no `stateFromProbabilities`).
   */
  async importMask(mask: BinaryMask | FloatMap): Promise<SessionState> {
    this.throwIfClosed();
    const stateFromProbabilities = requireStateFromProbabilities(this.segmenter, 'importMask');
    const probabilities = probabilitiesFromMask(mask, this.openImage.width, this.openImage.height);
    return this.enqueue('import-mask', async (clock) => {
      let origin: HistoryEntry;
      try {
        origin = entryFromProbabilities(this.openImage, probabilities, EMPTY_ENTRY.clicks, stateFromProbabilities);
      } catch (error) {
        this.emitter.emit('error', { revision: this.revisionNumber, operation: 'import-mask', error });
        throw error;
      }
      this.registry.start(origin, true);
      return this.commit('import-mask', clock, true);
    });
  }

  // ----- threshold -----

  /**
   * Changes the mask threshold of every object without rerunning the model (probabilities are kept);
   * re-emits the current mask. No-op when unchanged.
   * @throws {@link InvalidArgumentError} (at once) unless 0 <= threshold <= 1.
   */
  async setThreshold(threshold: number): Promise<SessionState> {
    this.throwIfClosed();
    validateThreshold(threshold);
    return this.enqueue('set-threshold', async (clock) => {
      if (threshold === this.threshold) return this.stateNow();
      this.threshold = threshold;
      return this.commit('set-threshold', clock, true);
    });
  }

  // ----- export -----

  /**
   * The session as of the last applied operation (operations still queued are not in it).
   * @throws {@link SessionClosedError} after `close()`.
   */
  getState(): SessionState {
    this.throwIfClosed();
    return this.stateNow();
  }

  /**
   * An object's mask at the current threshold, as a new buffer.
   * @param objectId - Defaults to the current object.
   * @throws {@link InvalidArgumentError} when no object has this id; {@link SessionClosedError} after `close()`.
   */
  getMask(objectId?: number): BinaryMask {
    this.throwIfClosed();
    const object = objectId === undefined ? this.registry.current : this.registry.find(objectId);
    return thresholdCrop(
      object.history.current.probabilities,
      this.openImage.width,
      this.openImage.height,
      this.threshold,
    );
  }

  /**
   * An object's probabilities at full image size, as a new buffer.
   * @param objectId - Defaults to the current object.
   * @throws {@link InvalidArgumentError} when no object has this id; {@link SessionClosedError} after `close()`.
   */
  getProbabilities(objectId?: number): FloatMap {
    this.throwIfClosed();
    const object = objectId === undefined ? this.registry.current : this.registry.find(objectId);
    return expandCrop(object.history.current.probabilities, this.openImage.width, this.openImage.height);
  }

  /**
   * All objects (the current one included) drawn into one map of object ids at the current threshold, in
   * creation order, overlaps resolved by the `labelMapOverlap` option.
   * @throws {@link InvalidArgumentError} for `dataType: 'uint8'` with an id above 255; {@link SessionClosedError}.
   */
  getLabelMap(options?: LabelMapOptions): LabelMap {
    this.throwIfClosed();
    const layers = this.registry.objects.map((object) => ({
      id: object.id,
      probabilities: object.history.current.probabilities,
    }));
    return buildLabelMap(
      this.openImage.width,
      this.openImage.height,
      layers,
      this.threshold,
      this.options.labelMapOverlap,
      options,
    );
  }

  /**
   * A JSON-serialisable record of the work (clicks and masks per object, masks as COCO RLE) to save and
   * later pass to {@link SegmentationSession.restoreSnapshot}. Undo history is not included.
   * @throws {@link SessionClosedError} after `close()`.
   */
  toSnapshot(): SessionSnapshot {
    this.throwIfClosed();
    const { width, height } = this.openImage;
    return snapshotOf(this.registry.objects, this.registry.current.id, width, height, this.threshold);
  }

  /**
   * Replaces every object with those of a snapshot (undo history starts afresh), in its turn. When it fails
   * (bad snapshot, segmenter error during replay) nothing changes.
   * @throws {@link InvalidFormatError} (at once) for a malformed snapshot or one made for another image size;
   *   {@link InvalidArgumentError} when the predictor cannot start from masks and `replayClicks` is false, or
   *   when a saved object started from a mask and the predictor cannot start from masks.
   */
  async restoreSnapshot(snapshot: SessionSnapshot, options: RestoreSnapshotOptions = {}): Promise<SessionState> {
    this.throwIfClosed();
    const decoded = decodeSessionSnapshot(snapshot, this.openImage.width, this.openImage.height);
    const replayClicks = options.replayClicks ?? false;
    const needsMaskStart = !replayClicks || decoded.objects.some((object) => object.startMask !== undefined);
    const stateFromProbabilities = needsMaskStart
      ? requireStateFromProbabilities(this.segmenter, 'restoreSnapshot')
      : undefined;
    return this.enqueue('restore', async (clock) => {
      const predictStartMs = nowMs();
      let rebuilt: RestoredObject[];
      try {
        rebuilt = await rebuildSnapshotObjects(decoded, {
          segmenter: this.segmenter,
          image: this.openImage,
          replayClicks,
          stateFromProbabilities,
        });
      } catch (error) {
        this.throwIfClosedDuringRun();
        this.emitter.emit('error', { revision: this.revisionNumber, operation: 'restore', error });
        throw error;
      }
      this.throwIfClosedDuringRun();
      // Everything rebuilt: only now replace the session's objects, so a failure above changes nothing.
      this.registry.replaceAll(rebuilt, decoded.currentObjectId);
      this.threshold = decoded.threshold;
      return this.commit('restore', { ...clock, predictMs: replayClicks ? nowMs() - predictStartMs : 0 }, true);
    });
  }

  /**
   * What the session holds for undo and redo (to watch memory in long sessions).
   * @throws {@link SessionClosedError} after `close()`.
   */
  getHistoryStats(): SessionHistoryStats {
    this.throwIfClosed();
    return this.registry.historyStats();
  }

  // ----- close -----

  /**
   * Closes the session: operations that have not started reject with {@link SessionClosedError}, a running
   * model call is awaited and its result dropped (its promise rejects with SessionClosedError too), the
   * predictor is closed when the session owns it (`ownsPredictor`), states are released, `closed` is
   * emitted and listeners are removed. Every later call rejects (async methods) or throws (getters) with
   * SessionClosedError. Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    if (this.closing === undefined) this.closing = this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.queue.rejectWaiting(() => new SessionClosedError('the session was closed before this operation ran'));
    await this.queue.whenIdle();
    try {
      if (this.options.ownsPredictor && this.segmenter.close !== undefined) {
        await this.segmenter.close();
      } else if (typeof this.segmenter.releaseImage === 'function') {
        // A shared predictor may cache work on this image (ClickPredictor keeps its resized crop): let it go.
        this.segmenter.releaseImage(this.openImage);
      }
    } finally {
      // Release every state and the image now, not when the caller drops its reference to the session: a
      // server that keeps closed sessions in a map for a while must not keep their memory too.
      this.registry.release();
      this.cachedState = undefined;
      this.openImage = RELEASED_IMAGE;
      this.emitter.emit('closed');
      this.emitter.removeAllListeners();
    }
  }

  // ----- internals -----

  private enqueue(
    kind: SessionOperationKind,
    run: (clock: OperationClock) => Promise<SessionState>,
  ): Promise<SessionState> {
    return this.queue.enqueue(
      kind,
      (startedAtMs, enqueuedAtMs) => run({ startedAtMs, enqueuedAtMs, predictMs: 0 }),
      () => this.stateNow(),
    );
  }

  /**
   * Lets the segmenter do its per-image work now rather than at the first click. Its failure is ignored: it
   * changes no result, and the first click does the same work then and reports any real problem.
   */
  private async prepareImage(): Promise<void> {
    const { segmenter } = this;
    if (typeof segmenter.prepareImage !== 'function') return;
    try {
      await segmenter.prepareImage(this.openImage);
    } catch {
      // Ignored on purpose (see above).
    }
  }

  private throwIfClosed(): void {
    if (this.closing !== undefined) throw new SessionClosedError('the session is closed');
  }

  private throwIfClosedDuringRun(): void {
    if (this.closing !== undefined) {
      throw new SessionClosedError('the session was closed while this operation ran; its result was dropped');
    }
  }

  private stateNow(): SessionState {
    if (this.cachedState !== undefined && this.cachedState.revision === this.revisionNumber) return this.cachedState;
    const { width, height } = this.openImage;
    this.cachedState = buildSessionState(this.registry, this.revisionNumber, width, height, this.threshold);
    return this.cachedState;
  }

  /** Records a change: new revision, `prediction` (when the current mask may have changed) and `change`. */
  private commit(cause: SessionOperationKind, clock: OperationClock, currentMaskChanged: boolean): SessionState {
    this.revisionNumber += 1;
    const state = this.stateNow();
    const { width, height } = this.openImage;
    const crop = this.registry.current.history.current.probabilities;
    this.emitter.emitChange({ cause, clock, state, currentMaskChanged, crop, width, height });
    return state;
  }
}
