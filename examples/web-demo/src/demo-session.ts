import {
  computeObjectOutputs,
  type BinaryMask,
  type LabelMap,
  type ObjectOutputs,
  type ObjectOutputsRequest,
  type SegmentationSession,
  type SessionChangeEvent,
  type SessionErrorEvent,
  type SessionState,
  type WorkerPredictionEvent,
  type WorkerSession,
} from '@simpleclick/core/web';

/**
 * What the demo needs of a session: the SDK's WorkerSession as it is (the default: model and per-click work in
 * the SDK's Web Worker), or a main-thread SegmentationSession behind {@link mainThreadSession} (`?worker=0`, to
 * compare). Reads of image-sized data are async, as the worker's are.
 */
export interface DemoSession {
  readonly pendingOperations: number;
  readonly isClosed: boolean;
  on(event: 'prediction', listener: (event: WorkerPredictionEvent) => void): unknown;
  on(event: 'change', listener: (event: SessionChangeEvent) => void): unknown;
  on(event: 'error', listener: (event: SessionErrorEvent) => void): unknown;
  addClick(click: { xPx: number; yPx: number; isPositive: boolean }): Promise<SessionState>;
  undo(): Promise<SessionState>;
  redo(): Promise<SessionState>;
  reset(): Promise<SessionState>;
  finishObject(): Promise<SessionState>;
  selectObject(objectId: number): Promise<SessionState>;
  deleteObject(objectId: number): Promise<SessionState>;
  importMask(mask: BinaryMask): Promise<SessionState>;
  setThreshold(threshold: number): Promise<SessionState>;
  getState(): SessionState;
  getMask(objectId?: number): Promise<BinaryMask>;
  getLabelMap(): Promise<LabelMap>;
  /** Per-object results computed where the session runs (the area, without image-sized work here). */
  getObjectOutputs(objectId: number | undefined, request: ObjectOutputsRequest): Promise<ObjectOutputs>;
  close(): Promise<void>;
}

/** The worker's session needs no adapter: this line checks that it fits. */
export const fromWorkerSession = (session: WorkerSession): DemoSession => session;

/** A main-thread SegmentationSession with the async reads of {@link DemoSession}. */
export function mainThreadSession(session: SegmentationSession): DemoSession {
  return {
    get pendingOperations() {
      return session.pendingOperations;
    },
    get isClosed() {
      return session.isClosed;
    },
    on(event: 'prediction' | 'change' | 'error', listener: (event: never) => void) {
      return session.on(event, listener as never);
    },
    addClick: (click) => session.addClick(click),
    undo: () => session.undo(),
    redo: () => session.redo(),
    reset: () => session.reset(),
    finishObject: () => session.finishObject(),
    selectObject: (objectId) => session.selectObject(objectId),
    deleteObject: (objectId) => session.deleteObject(objectId),
    importMask: (mask) => session.importMask(mask),
    setThreshold: (threshold) => session.setThreshold(threshold),
    getState: () => session.getState(),
    getMask: async (objectId) => session.getMask(objectId),
    getLabelMap: async () => session.getLabelMap(),
    getObjectOutputs: async (objectId, request) => {
      const state = session.getState();
      const id = objectId ?? state.currentObjectId;
      const clicks = state.objects.find((object) => object.id === id)?.clicks ?? [];
      const mask = id === state.currentObjectId ? state.mask : session.getMask(id);
      return computeObjectOutputs(
        { objectId: id, mask, clicks, probabilities: () => session.getProbabilities(id).data },
        request,
      );
    },
    close: () => session.close(),
  };
}
