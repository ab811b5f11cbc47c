import { SegmentationSession, type Click, type ClickSegmenter, type SessionState } from '@simpleclick/core';
import {
  computeObjectOutputs,
  rgbImageFromImageData,
  type ImageDataLike,
  type ObjectOutputs,
  type ObjectOutputsRequest,
  type RgbImage,
  type WorkerPredictor,
  type WorkerSession,
} from '@simpleclick/core/web';
import { readBitmapPixels } from './load-browser-image';

/** What ImageSession needs of a session, wherever it runs (SegmentationSession here, WorkerSession in the SDK's worker). */
interface DrivenSession {
  getState(): SessionState;
  addClick(click: Click): Promise<SessionState>;
  undo(): Promise<SessionState>;
  reset(): Promise<SessionState>;
  finishObject(): Promise<SessionState>;
  selectObject(objectId: number): Promise<SessionState>;
  outputs(objectId: number, request: ObjectOutputsRequest): Promise<ObjectOutputs>;
  close(): Promise<void>;
}

/** Task pixels as the plugin may get them: RGB (`RgbImage`, from `options.loadImage`) or RGBA (a canvas's `ImageData`). */
export type TaskPixels = RgbImage | ImageDataLike;

/** Whether the predictor is the SDK's WorkerPredictor (told apart structurally: no `instanceof` across bundles). */
export function isWorkerPredictor(predictor: ClickSegmenter<unknown> | WorkerPredictor): predictor is WorkerPredictor {
  return (
    typeof (predictor as Partial<WorkerPredictor>).createSession === 'function' &&
    typeof (predictor as Partial<ClickSegmenter<unknown>>).predict !== 'function'
  );
}

/** The state of one object after {@link ImageSession.syncClicks}. */
export interface SyncedObject {
  readonly objectId: number;
  readonly state: SessionState;
  /** Model runs this sync needed (0 when the clicks were already there, or only undo steps were needed). */
  readonly modelRuns: number;
  /** false when `shouldStop` ended it early: the object then holds a prefix of the clicks asked for. */
  readonly complete: boolean;
}

/**
 * One task image: its session (a SegmentationSession, or a WorkerSession in the SDK's worker) and which session
 * object each group of smart keypoints (one per annotation, image and label) is. Label Studio sends the whole
 * click list of a group every time; {@link syncClicks} brings the object to that list with as few model runs as
 * the session's history allows.
 */
export class ImageSession {
  /** The image's size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly #session: DrivenSession;
  /** Group key -> session object id. */
  readonly #objectIds = new Map<string, number>();
  /** Group key -> the region id the group's suggestions carry (stable, so each new suggestion replaces the last). */
  readonly #regionIds = new Map<string, string>();

  private constructor(width: number, height: number, session: DrivenSession) {
    this.width = width;
    this.height = height;
    this.#session = session;
  }

  /**
   * A session on `source` over `predictor` (shared: the session does not close it). With the SDK's
   * WorkerPredictor the session lives in its worker: a decoded bitmap is moved there and read there; pixels cross
   * once (moved when `ownsPixels`, so the caller's buffer is detached; else copied once); every click's work, the
   * outputs included, runs there. On the page's thread a bitmap is read and an RGBA image converted to RGB here.
   */
  static async create(
    predictor: ClickSegmenter<unknown> | WorkerPredictor,
    source: TaskPixels | ImageBitmap,
    ownsPixels: boolean,
  ): Promise<ImageSession> {
    const { width, height } = source;
    const bitmap = 'data' in source ? undefined : source;
    if (isWorkerPredictor(predictor)) {
      // A decoded bitmap goes to the worker as it is (moved) where the worker can read it: the page reads no pixel.
      const image =
        bitmap === undefined
          ? (source as TaskPixels)
          : typeof OffscreenCanvas === 'function'
            ? bitmap
            : readBitmapPixels(bitmap);
      const session = await predictor.createSession(image, { transferImage: ownsPixels || bitmap !== undefined });
      return new ImageSession(width, height, workerDriven(session));
    }
    const image = bitmap === undefined ? (source as TaskPixels) : readBitmapPixels(bitmap);
    const rgb: RgbImage = image.data.length === width * height * 4 ? rgbImageFromImageData(image) : (image as RgbImage);
    return new ImageSession(width, height, mainThreadDriven(await SegmentationSession.create(predictor, rgb)));
  }

  /** The region id of a group's suggestions, made on first use by `makeId`. */
  regionIdOf(groupKey: string, makeId: () => string): string {
    let id = this.#regionIds.get(groupKey);
    if (id === undefined) {
      id = makeId();
      this.#regionIds.set(groupKey, id);
    }
    return id;
  }

  /**
   * An object's per-click outputs (clean-up, area, score, RLE, polygons: see ObjectOutputsRequest), computed by
   * the SDK's `computeObjectOutputs` where the session runs: in the worker for a WorkerPredictor.
   */
  outputs(objectId: number, request: ObjectOutputsRequest): Promise<ObjectOutputs> {
    return this.#session.outputs(objectId, request);
  }

  /**
   * Makes the group's object current and gives it exactly `clicks`: the clicks beyond those it has are added
   * (one model run each); when it has clicks that differ (a keypoint moved or deleted), it steps back through
   * its undo history to the longest common prefix, or resets, and replays from there. `shouldStop` is asked
   * before each model run: a newer request makes the rest of this one useless.
   */
  async syncClicks(groupKey: string, clicks: readonly Click[], shouldStop: () => boolean): Promise<SyncedObject> {
    let state = await this.#selectObjectOf(groupKey);
    const objectId = state.currentObjectId;
    const common = commonPrefixLength(state.clicks, clicks);
    // Undo steps cost no model run; at most as many as clicks to drop (the history may hold resets too).
    for (
      let steps = state.clicks.length - common;
      steps > 0 && state.canUndo && !isPrefix(state.clicks, clicks);
      steps--
    ) {
      state = await this.#session.undo();
    }
    if (!isPrefix(state.clicks, clicks)) state = await this.#session.reset();
    let modelRuns = 0;
    for (let index = state.clicks.length; index < clicks.length; index++) {
      if (shouldStop()) return { objectId, state, modelRuns, complete: false };
      state = await this.#session.addClick(clicks[index]);
      modelRuns++;
    }
    return { objectId, state, modelRuns, complete: true };
  }

  /** Frees the session's states (not the predictor). */
  close(): Promise<void> {
    return this.#session.close();
  }

  async #selectObjectOf(groupKey: string): Promise<SessionState> {
    const session = this.#session;
    let state = session.getState();
    const known = this.#objectIds.get(groupKey);
    if (known !== undefined && state.objects.some((object) => object.id === known)) {
      return known === state.currentObjectId ? state : session.selectObject(known);
    }
    // A new group: the current object serves when it is empty and no group owns it, else a new one starts.
    const currentIsFree = state.clicks.length === 0 && ![...this.#objectIds.values()].includes(state.currentObjectId);
    if (!currentIsFree) state = await session.finishObject();
    // finishObject keeps an untouched placeholder current: a group that held it had no clicks, and loses it.
    for (const [key, id] of this.#objectIds) if (id === state.currentObjectId) this.#objectIds.delete(key);
    this.#objectIds.set(groupKey, state.currentObjectId);
    return state;
  }
}

function commonPrefixLength(a: readonly Click[], b: readonly Click[]): number {
  let length = 0;
  while (length < a.length && length < b.length && sameClick(a[length], b[length])) length++;
  return length;
}

function isPrefix(prefix: readonly Click[], clicks: readonly Click[]): boolean {
  return prefix.length <= clicks.length && commonPrefixLength(prefix, clicks) === prefix.length;
}

function sameClick(a: Click, b: Click): boolean {
  return a.xPx === b.xPx && a.yPx === b.yPx && a.isPositive === b.isPositive;
}

function workerDriven(session: WorkerSession): DrivenSession {
  return {
    getState: () => session.getState(),
    addClick: (click) => session.addClick(click),
    undo: () => session.undo(),
    reset: () => session.reset(),
    finishObject: () => session.finishObject(),
    selectObject: (objectId) => session.selectObject(objectId),
    outputs: (objectId, request) => session.getObjectOutputs(objectId, request),
    close: () => session.close(),
  };
}

function mainThreadDriven(session: SegmentationSession): DrivenSession {
  return {
    getState: () => session.getState(),
    addClick: (click) => session.addClick(click),
    undo: () => session.undo(),
    reset: () => session.reset(),
    finishObject: () => session.finishObject(),
    selectObject: (objectId) => session.selectObject(objectId),
    outputs: async (objectId, request) => {
      const state = session.getState();
      // The current object's mask is the state's (no copy); another object's is built.
      const mask = objectId === state.currentObjectId ? state.mask : session.getMask(objectId);
      const clicks = state.objects.find((object) => object.id === objectId)?.clicks ?? [];
      return computeObjectOutputs(
        { objectId, mask, clicks, probabilities: () => session.getProbabilities(objectId).data },
        request,
      );
    },
    close: () => session.close(),
  };
}
