import type { Click, ObjectState } from '@simpleclick/core';
import { sameClick } from './click-order';

/** One click the model ran, and the object state it produced. */
export interface ClickStep {
  readonly click: Click;
  readonly state: ObjectState;
}

/**
 * The clicks the interactor ran on one image for one object, in the order they ran, each with its state. A
 * prefix of a track is the state after its first clicks, so a track also serves a request that removed points
 * from the end (undo) without running the model.
 */
export type ClickTrack = readonly ClickStep[];

/** How much of a track a request can reuse. */
export interface TrackMatch {
  /** Index of the track in the list searched. */
  readonly trackIndex: number;
  /** Number of leading steps of the track whose clicks are the request's (their states are reused). */
  readonly reusedSteps: number;
  /** Of those, how many are positive (they are the first ones of the request's positive list) ... */
  readonly positivesUsed: number;
  /** ... and how many negative. */
  readonly negativesUsed: number;
}

/**
 * The longest leading run of `track` consistent with the request: taken in order, each of its clicks is the next
 * unused point of the request's list of its sign (CVAT lists points of each sign in placement order, so the
 * clicks a user placed after the track's stay at the end of their lists).
 */
export function matchTrack(
  track: ClickTrack,
  positives: readonly Click[],
  negatives: readonly Click[],
  trackIndex = 0,
): TrackMatch {
  let positivesUsed = 0;
  let negativesUsed = 0;
  let reusedSteps = 0;
  for (const { click } of track) {
    const list = click.isPositive ? positives : negatives;
    const used = click.isPositive ? positivesUsed : negativesUsed;
    if (used >= list.length || !sameClick(list[used], click)) break;
    if (click.isPositive) positivesUsed++;
    else negativesUsed++;
    reusedSteps++;
  }
  return { trackIndex, reusedSteps, positivesUsed, negativesUsed };
}

/**
 * The track that lets the request reuse the most steps; ties go to the earliest in `tracks` (keep the most
 * recently used first). Undefined when no track shares even its first click with the request.
 */
export function findBestTrack(
  tracks: readonly ClickTrack[],
  positives: readonly Click[],
  negatives: readonly Click[],
): TrackMatch | undefined {
  let best: TrackMatch | undefined;
  tracks.forEach((track, index) => {
    const match = matchTrack(track, positives, negatives, index);
    if (match.reusedSteps > 0 && (best === undefined || match.reusedSteps > best.reusedSteps)) best = match;
  });
  return best;
}
