import type { Click } from '../clicks/click';
import type { ProbabilityCrop } from './probability-crop';

/** One state of one object: what undo and redo move between. Immutable. */
export interface HistoryEntry {
  /** The object's clicks, in order. */
  readonly clicks: readonly Click[];
  /** The segmenter's opaque state for these clicks; `undefined` before the first prediction. */
  readonly segmenterState: unknown;
  /** The object's probabilities (non-zero bounding box only); `undefined` when all zero. */
  readonly probabilities: ProbabilityCrop | undefined;
}

/**
 * A bounded linear undo history: `entries[cursor]` is the current state, entries before it are undo steps,
 * entries after it redo steps. A new state drops the redo steps (as in every editor) and, past the bound,
 * the oldest undo step, so an object never holds more than `maxUndoSteps + 1` states.
 */
export class ObjectHistory {
  private entries: HistoryEntry[];
  private cursor = 0;
  private readonly maxUndoSteps: number;

  constructor(first: HistoryEntry, maxUndoSteps: number) {
    this.entries = [first];
    this.maxUndoSteps = maxUndoSteps;
  }

  /** The current state. */
  get current(): HistoryEntry {
    return this.entries[this.cursor];
  }

  /** How many times `undo()` can move back. */
  get undoSteps(): number {
    return this.cursor;
  }

  /** How many times `redo()` can move forward. */
  get redoSteps(): number {
    return this.entries.length - 1 - this.cursor;
  }

  /** Every state held (undo steps, current, redo steps), oldest first. */
  get retained(): readonly HistoryEntry[] {
    return this.entries;
  }

  /** Makes `entry` the current state, dropping the redo steps and the oldest undo step past the bound. */
  push(entry: HistoryEntry): void {
    this.entries.length = this.cursor + 1;
    this.entries.push(entry);
    const excess = this.entries.length - 1 - this.maxUndoSteps;
    if (excess > 0) this.entries.splice(0, excess);
    this.cursor = this.entries.length - 1;
  }

  /** Moves back one state; false when there is none. */
  undo(): boolean {
    if (this.cursor === 0) return false;
    this.cursor -= 1;
    return true;
  }

  /** Moves forward one state; false when there is none. */
  redo(): boolean {
    if (this.cursor === this.entries.length - 1) return false;
    this.cursor += 1;
    return true;
  }

  /** Keeps at most `maxUndoSteps` states before the current one and `maxRedoSteps` after it. */
  trim(maxUndoSteps: number, maxRedoSteps: number): void {
    const first = Math.max(0, this.cursor - maxUndoSteps);
    const end = Math.min(this.entries.length, this.cursor + 1 + maxRedoSteps);
    this.entries = this.entries.slice(first, end);
    this.cursor -= first;
  }
}
