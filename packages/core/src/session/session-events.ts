import type { Click } from '../clicks/click';
import type { FloatMap } from '../image/float-map';
import type { BinaryMask } from '../mask/binary-mask';
import type { SessionOperationKind, SessionState } from './session-state';

/** Times of the operation that produced a {@link PredictionEvent}, in milliseconds. */
export interface PredictionTiming {
  /** Waiting in the session's queue behind earlier operations. */
  readonly queuedMs: number;
  /** Inside the segmenter (`predict`); 0 when the model did not run (undo, redo, threshold, ...). */
  readonly predictMs: number;
  /** From the method call to the event. */
  readonly totalMs: number;
}

/**
 * The current object's mask changed, or another object became current. Emitted for clicks (after the model
 * ran) and for every other operation that changes what the current object shows (undo, redo, reset,
 * threshold, import, select, finish, delete of the current object, restore).
 */
export interface PredictionEvent {
  /** The session revision this result belongs to; drop events older than the newest one seen. */
  readonly revision: number;
  /** The operation that caused it. */
  readonly cause: SessionOperationKind;
  /** The current object. */
  readonly objectId: number;
  /** Its mask at the current threshold (read-only: shared with the state of the same revision). */
  readonly mask: BinaryMask;
  /**
   * Its probabilities at full image size (a fresh copy). Lazy: the full-size buffer is built on the first read
   * of `probabilities.data` (then kept by this map), so listeners that only use `mask` cost nothing extra.
   */
  readonly probabilities: FloatMap;
  /** Its clicks, in order. */
  readonly clicks: readonly Click[];
  /** The threshold that made `mask`. */
  readonly threshold: number;
  /** How long the operation took. */
  readonly timing: PredictionTiming;
}

/** Emitted once per revision, after any {@link PredictionEvent} of the same revision. */
export interface SessionChangeEvent {
  readonly revision: number;
  readonly cause: SessionOperationKind;
  readonly state: SessionState;
}

/**
 * Something failed that was not the caller's argument: the segmenter rejected (the operation's promise
 * rejects with the same error and the session stays at `revision`), or an event listener threw.
 */
export interface SessionErrorEvent {
  /** The revision the session stays at. */
  readonly revision: number;
  /** The operation that failed, or 'listener' when an event listener threw. */
  readonly operation: SessionOperationKind | 'listener';
  /** What was thrown. */
  readonly error: unknown;
  /** The click that was being applied, for `operation: 'click'`. */
  readonly click?: Click;
}

/** Events of a {@link SegmentationSession} and their arguments (eventemitter3 typing). */
export interface SegmentationSessionEvents {
  prediction: [event: PredictionEvent];
  change: [event: SessionChangeEvent];
  error: [event: SessionErrorEvent];
  /** The session closed; no event follows. */
  closed: [];
}
