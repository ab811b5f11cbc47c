import type { Click, ObjectState } from '@simpleclick/core';
import { sameClick } from './click-order';

/** One click the model ran, and the object state it produced. */
export interface ClickStep {
  readonly click: Click;
  readonly state: ObjectState;
}

/**
 * Clicks the interactor ran on one image for one object, in the order they ran, each with its state. A prefix of
 * a track is the state after its first clicks: any request whose ordered clicks start with that prefix reuses it.
 */
export type ClickTrack = readonly ClickStep[];

/** How much of a kept track a request can reuse. */
export interface TrackMatch {
  /** Index of the track in the list searched. */
  readonly trackIndex: number;
  /** Number of leading steps of the track whose clicks are the request's first ordered clicks. */
  readonly reusedSteps: number;
}

/** How many leading steps of `track` are the leading clicks of `ordered` (same position and sign, in order). */
export function commonPrefixLength(track: ClickTrack, ordered: readonly Click[]): number {
  let length = 0;
  while (length < track.length && length < ordered.length && sameClick(track[length].click, ordered[length])) length++;
  return length;
}

/**
 * The kept track sharing the longest prefix with the request's ordered clicks; ties go to the earliest in
 * `tracks` (keep the most recently used first). Undefined when no track shares even the first click.
 */
export function findBestTrack(tracks: readonly ClickTrack[], ordered: readonly Click[]): TrackMatch | undefined {
  let best: TrackMatch | undefined;
  tracks.forEach((track, trackIndex) => {
    const reusedSteps = commonPrefixLength(track, ordered);
    if (reusedSteps > 0 && (best === undefined || reusedSteps > best.reusedSteps)) best = { trackIndex, reusedSteps };
  });
  return best;
}
