import { InvalidArgumentError } from '../errors';
import { MAX_OBJECT_ID } from './label-map';
import { ObjectHistory, type HistoryEntry } from './object-history';
import { cropValueCount, type ProbabilityCrop } from './probability-crop';
import type { SessionHistoryStats } from './session-state';

/** The state every new object starts from, unless it starts from an imported mask. */
export const EMPTY_ENTRY: HistoryEntry = Object.freeze({
  clicks: Object.freeze([]),
  segmenterState: undefined,
  probabilities: undefined,
});

/** One object of a session. */
export interface SessionObjectRecord {
  readonly id: number;
  /** What `reset()` returns to: empty, or the imported mask. Kept even when the history is trimmed. */
  readonly origin: HistoryEntry;
  readonly startedFromMask: boolean;
  readonly history: ObjectHistory;
  /** Whether any operation changed it since it was created (a never-edited empty object is a placeholder). */
  edited: boolean;
}

/** An object to put in the registry as it is (a restored snapshot's). */
export interface RestoredObject {
  readonly id: number;
  readonly origin: HistoryEntry;
  readonly startedFromMask: boolean;
  /** Its current state; its undo history starts there. */
  readonly entry: HistoryEntry;
  readonly edited: boolean;
}

/** How many undo steps the registry keeps per object. */
export interface UndoLimits {
  readonly maxUndoSteps: number;
  /** Undo and redo steps kept per side of an object once another one is being edited. */
  readonly maxUndoStepsOfInactiveObjects: number;
}

/**
 * The objects of a session and which one is current: ids (1..n in normal use, at most {@link MAX_OBJECT_ID}),
 * untouched placeholders (dropped when left, their id given back), and the trimming of an object's history when
 * it stops being edited. There is always a current object.
 */
export class ObjectRegistry {
  readonly #limits: UndoLimits;
  #objects: SessionObjectRecord[] = [];
  #current: SessionObjectRecord;
  #nextObjectId = 1;

  constructor(limits: UndoLimits) {
    this.#limits = limits;
    this.#current = this.#create(EMPTY_ENTRY, false);
  }

  /** Every object, in creation order (the current one included). */
  get objects(): readonly SessionObjectRecord[] {
    return this.#objects;
  }

  /** The object being edited. */
  get current(): SessionObjectRecord {
    return this.#current;
  }

  /** @throws InvalidArgumentError unless `objectId` is an integer from 1 (checked before an operation is queued). */
  static checkId(objectId: number): void {
    if (!Number.isInteger(objectId) || objectId < 1) {
      throw new InvalidArgumentError(`object ids are integers from 1, got ${String(objectId)}`);
    }
  }

  /** @throws InvalidArgumentError when no object has this id. */
  find(objectId: number): SessionObjectRecord {
    const found = this.#objects.find((object) => object.id === objectId);
    if (found === undefined) throw new InvalidArgumentError(`the session has no object with id ${String(objectId)}`);
    return found;
  }

  /** Whether `object` was never edited and did not start from a mask. */
  isPlaceholder(object: SessionObjectRecord): boolean {
    return !object.edited && !object.startedFromMask;
  }

  /**
   * Leaves the current object and makes a new one current. Checks the id supply before changing anything.
   * @throws InvalidArgumentError when no id is left.
   */
  start(origin: HistoryEntry, startedFromMask: boolean): void {
    const releasesId = this.isPlaceholder(this.#current) && this.#current.id === this.#nextObjectId - 1;
    if (!releasesId && this.#nextObjectId > MAX_OBJECT_ID) {
      throw new InvalidArgumentError(`a session holds object ids up to ${MAX_OBJECT_ID}; no id is left`);
    }
    this.#leaveCurrent();
    this.#current = this.#create(origin, startedFromMask);
  }

  /** Makes `target` (one of {@link objects}) current. */
  select(target: SessionObjectRecord): void {
    this.#leaveCurrent();
    this.#current = target;
  }

  /**
   * Deletes `target`; when it is the current one, a new empty object becomes current.
   * @returns Whether it was the current object.
   */
  delete(target: SessionObjectRecord): boolean {
    const wasCurrent = target === this.#current;
    // Leaving drops the deleted object if it was a placeholder; the filter below drops it otherwise.
    if (wasCurrent) this.start(EMPTY_ENTRY, false);
    this.#objects = this.#objects.filter((object) => object !== target);
    return wasCurrent;
  }

  /** Replaces every object (undo histories start afresh); the one with `currentObjectId` becomes current. */
  replaceAll(objects: readonly RestoredObject[], currentObjectId: number): void {
    this.#objects = [];
    for (const { id, origin, startedFromMask, entry, edited } of objects) {
      const record: SessionObjectRecord = {
        id,
        origin,
        startedFromMask,
        history: new ObjectHistory(entry, this.#limits.maxUndoSteps),
        edited,
      };
      this.#objects.push(record);
      if (id === currentObjectId) this.#current = record;
    }
    this.#nextObjectId = Math.max(...objects.map((object) => object.id)) + 1;
  }

  /** Drops every object and state (a closed session); the current object becomes an empty one in no list. */
  release(): void {
    this.#objects = [];
    this.#current = {
      id: 0,
      origin: EMPTY_ENTRY,
      startedFromMask: false,
      history: new ObjectHistory(EMPTY_ENTRY, 0),
      edited: false,
    };
  }

  /** What the objects hold for undo and redo. */
  historyStats(): SessionHistoryStats {
    const entries = new Set<HistoryEntry>();
    for (const object of this.#objects) {
      entries.add(object.origin);
      for (const entry of object.history.retained) entries.add(entry);
    }
    const crops = new Set<ProbabilityCrop>();
    for (const entry of entries) if (entry.probabilities !== undefined) crops.add(entry.probabilities);
    let retainedProbabilityValues = 0;
    for (const crop of crops) retainedProbabilityValues += cropValueCount(crop);
    return { objectCount: this.#objects.length, retainedStates: entries.size, retainedProbabilityValues };
  }

  /** Appends a new object; the caller makes it current. */
  #create(origin: HistoryEntry, startedFromMask: boolean): SessionObjectRecord {
    const record: SessionObjectRecord = {
      id: this.#nextObjectId++,
      origin,
      startedFromMask,
      history: new ObjectHistory(origin, this.#limits.maxUndoSteps),
      edited: false,
    };
    this.#objects.push(record);
    return record;
  }

  /** The current object stops being edited: a placeholder is dropped (its id given back), any other trimmed. */
  #leaveCurrent(): void {
    const leaving = this.#current;
    if (this.isPlaceholder(leaving)) {
      this.#objects = this.#objects.filter((object) => object !== leaving);
      // A placeholder's id goes back to the pool when it was the last one given, so ids stay 1..n in normal use.
      if (leaving.id === this.#nextObjectId - 1) this.#nextObjectId -= 1;
    } else {
      const keep = this.#limits.maxUndoStepsOfInactiveObjects;
      leaving.history.trim(keep, keep);
    }
  }
}
