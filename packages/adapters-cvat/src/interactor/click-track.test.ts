import { describe, expect, it } from 'vitest';
import type { Click, ObjectState } from '@simpleclick/core';
import { orderClicks } from './click-order';
import { commonPrefixLength, findBestTrack, type ClickTrack } from './click-track';

const pos = (xPx: number): Click => ({ xPx, yPx: 0, isPositive: true });
const neg = (xPx: number): Click => ({ xPx, yPx: 0, isPositive: false });
const track = (...clicks: Click[]): ClickTrack => clicks.map((click) => ({ click, state: {} as ObjectState }));

describe('orderClicks', () => {
  it('interleaves starting with a positive, each list in order, the longer list finishing', () => {
    expect(orderClicks([pos(1), pos(2), pos(3)], [neg(4)], 'interleave')).toEqual([pos(1), neg(4), pos(2), pos(3)]);
    expect(orderClicks([pos(1)], [neg(4), neg(5)], 'interleave')).toEqual([pos(1), neg(4), neg(5)]);
    expect(orderClicks([], [neg(4)], 'interleave')).toEqual([neg(4)]);
    expect(orderClicks([pos(1), pos(2)], [neg(4)], 'positives-first')).toEqual([pos(1), pos(2), neg(4)]);
  });
});

describe('commonPrefixLength / findBestTrack', () => {
  it('reuses the leading steps that are the leading clicks of the ordered request', () => {
    const history = track(pos(1), neg(4), pos(2));
    expect(commonPrefixLength(history, [pos(1), neg(4), pos(2)])).toBe(3);
    expect(commonPrefixLength(history, [pos(1), neg(4), pos(2), neg(5)])).toBe(3);
    expect(commonPrefixLength(history, [pos(1), neg(4)])).toBe(2);
    expect(commonPrefixLength(history, [pos(1), neg(4), pos(9)])).toBe(2);
    expect(commonPrefixLength(history, [pos(2), neg(4)])).toBe(0);
    // Same position, other sign: not the same click.
    expect(commonPrefixLength(history, [neg(1)])).toBe(0);
  });

  it('picks the track with the longest shared prefix, the earliest on ties, none when nothing is shared', () => {
    const tracks = [track(pos(1), neg(5)), track(pos(1), neg(4), pos(2)), track(pos(1), neg(4))];
    expect(findBestTrack(tracks, [pos(1), neg(4), pos(2)])).toEqual({ trackIndex: 1, reusedSteps: 3 });
    expect(findBestTrack(tracks, [pos(1), neg(4)])).toEqual({ trackIndex: 1, reusedSteps: 2 });
    expect(findBestTrack(tracks, [pos(1)])).toEqual({ trackIndex: 0, reusedSteps: 1 });
    expect(findBestTrack(tracks, [pos(7)])).toBeUndefined();
  });
});
