import { describe, expect, it } from 'vitest';
import type { Click, ObjectState } from '@simpleclick/core';
import { orderClicks } from './click-order';
import { findBestTrack, matchTrack, type ClickTrack } from './click-track';

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

describe('matchTrack / findBestTrack', () => {
  it('reuses the leading clicks that are, sign by sign, the first points of the request lists', () => {
    const history = track(pos(1), neg(4), pos(2));
    expect(matchTrack(history, [pos(1), pos(2)], [neg(4)])).toMatchObject({ reusedSteps: 3, positivesUsed: 2, negativesUsed: 1 });
    expect(matchTrack(history, [pos(1), pos(2), pos(3)], [neg(4), neg(5)])).toMatchObject({ reusedSteps: 3 });
    expect(matchTrack(history, [pos(1)], [neg(4)])).toMatchObject({ reusedSteps: 2, positivesUsed: 1, negativesUsed: 1 });
    expect(matchTrack(history, [pos(1), pos(9)], [neg(4)])).toMatchObject({ reusedSteps: 2 });
    expect(matchTrack(history, [pos(2), pos(1)], [neg(4)])).toMatchObject({ reusedSteps: 0 });
    // Same position, other sign: not the same click.
    expect(matchTrack(history, [], [neg(1)])).toMatchObject({ reusedSteps: 0 });
  });

  it('picks the track with the longest reusable run, the earliest on ties, none when nothing is shared', () => {
    const tracks = [track(pos(1), neg(5)), track(pos(1), neg(4), pos(2)), track(pos(1), neg(4))];
    expect(findBestTrack(tracks, [pos(1), pos(2)], [neg(4)])).toMatchObject({ trackIndex: 1, reusedSteps: 3 });
    expect(findBestTrack(tracks, [pos(1)], [neg(4)])).toMatchObject({ trackIndex: 1, reusedSteps: 2 });
    expect(findBestTrack(tracks, [pos(1)], [])).toMatchObject({ trackIndex: 0, reusedSteps: 1 });
    expect(findBestTrack(tracks, [pos(7)], [])).toBeUndefined();
  });
});
