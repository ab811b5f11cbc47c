import { describe, expect, it } from 'vitest';
import { ObjectHistory, type HistoryEntry } from './object-history';

const entry = (n: number): HistoryEntry => ({
  clicks: Array.from({ length: n }, (_, i) => ({ xPx: i, yPx: 0, isPositive: true })),
  segmenterState: n,
  probabilities: undefined,
});

describe('ObjectHistory', () => {
  it('moves back and forth and drops the redo steps on a new state', () => {
    const history = new ObjectHistory(entry(0), 10);
    history.push(entry(1));
    history.push(entry(2));
    expect(history.undo()).toBe(true);
    expect(history.current.segmenterState).toBe(1);
    expect(history.redoSteps).toBe(1);
    history.push(entry(5));
    expect(history.redoSteps).toBe(0);
    expect(history.retained.map((e) => e.segmenterState)).toEqual([0, 1, 5]);
    expect(history.redo()).toBe(false);
  });

  it('keeps at most maxUndoSteps + 1 states, dropping the oldest', () => {
    const history = new ObjectHistory(entry(0), 3);
    for (let n = 1; n <= 10; n++) history.push(entry(n));
    expect(history.retained.map((e) => e.segmenterState)).toEqual([7, 8, 9, 10]);
    expect(history.undoSteps).toBe(3);
    while (history.undo());
    expect(history.current.segmenterState).toBe(7);
  });

  it('trims around the cursor', () => {
    const history = new ObjectHistory(entry(0), 20);
    for (let n = 1; n <= 10; n++) history.push(entry(n));
    for (let k = 0; k < 5; k++) history.undo();
    history.trim(2, 1);
    expect(history.retained.map((e) => e.segmenterState)).toEqual([3, 4, 5, 6]);
    expect(history.current.segmenterState).toBe(5);
  });
});
