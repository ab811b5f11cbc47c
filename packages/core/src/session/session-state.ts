import type { Click } from '../clicks/click';
import type { BinaryMask } from '../mask/binary-mask';

/** The operations a session queues; also the `cause` of the events they produce. */
export type SessionOperationKind =
  | 'click'
  | 'undo'
  | 'redo'
  | 'reset'
  | 'finish-object'
  | 'select-object'
  | 'delete-object'
  | 'import-mask'
  | 'set-threshold'
  | 'restore';

/** One object of a session, as the session state lists it. */
export interface SessionObjectSummary {
  /** Stable id, 1 or more; the value of the object's pixels in the label map. Never reused once the object had content. */
  readonly id: number;
  /** The object's clicks at its current state, in order. */
  readonly clicks: readonly Click[];
  /** Whether the object started from an imported mask. */
  readonly startedFromMask: boolean;
}

/**
 * The session after an operation: what every async method resolves with and what `change` events carry.
 * Immutable except `mask`, whose typed array cannot be frozen: treat it as read-only, it is shared with the
 * `prediction` event of the same revision.
 */
export interface SessionState {
  /** Increases by 1 with every change (never for no-ops, cancelled or failed operations). */
  readonly revision: number;
  /** The object being edited. */
  readonly currentObjectId: number;
  /** The current object's clicks, in order. */
  readonly clicks: readonly Click[];
  /**
   * The current object's mask at the current threshold. Its full-size `data` is built on first read (then kept),
   * so a state nobody reads the mask of costs no image-sized buffer.
   */
  readonly mask: BinaryMask;
  /** The threshold in use. */
  readonly threshold: number;
  /** Whether `undo()` would change the current object. */
  readonly canUndo: boolean;
  /** Whether `redo()` would change the current object. */
  readonly canRedo: boolean;
  /** Every object, the current one included (it may be empty), in creation order (= label-map drawing order). */
  readonly objects: readonly SessionObjectSummary[];
}

/** What the session holds in memory for undo and redo; see `getHistoryStats()`. */
export interface SessionHistoryStats {
  /** Objects in the session. */
  readonly objectCount: number;
  /** Distinct object states held (undo steps, current states, redo steps, start states). */
  readonly retainedStates: number;
  /**
   * Float32 probability values held by those states (4 bytes each): per state the non-zero bounding box, or
   * for a ClickPredictor prediction on an ROI larger than the network input, its S x S network probabilities.
   */
  readonly retainedProbabilityValues: number;
}
