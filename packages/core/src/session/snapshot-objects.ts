import type { RgbImage } from '../image/rgb-image';
import type { ClickSegmenter } from '../predictor/click-segmenter';
import { EMPTY_ENTRY, type RestoredObject, type SessionObjectRecord } from './object-registry';
import { thresholdCrop } from './probability-crop';
import { entryFromMask, replayClicks, type StateFromProbabilities } from './segmenter-outputs';
import {
  encodeSnapshotMask,
  SESSION_SNAPSHOT_FORMAT,
  SESSION_SNAPSHOT_VERSION,
  type DecodedSnapshot,
  type SessionSnapshot,
} from './session-snapshot';

/*
 * A session's objects to and from snapshots (the format itself is session-snapshot.ts).
 */

/** The snapshot of `objects` (clicks and masks at `threshold`, the start mask of those started from one). */
export function snapshotOf(
  objects: readonly SessionObjectRecord[],
  currentObjectId: number,
  width: number,
  height: number,
  threshold: number,
): SessionSnapshot {
  return {
    format: SESSION_SNAPSHOT_FORMAT,
    version: SESSION_SNAPSHOT_VERSION,
    width,
    height,
    threshold,
    currentObjectId,
    objects: objects.map((object) => {
      const entry = object.history.current;
      const mask = encodeSnapshotMask(thresholdCrop(entry.probabilities, width, height, threshold));
      const clicks = entry.clicks.map(({ xPx, yPx, isPositive }) => ({ xPx, yPx, isPositive }));
      if (!object.startedFromMask) return { id: object.id, clicks, mask };
      const startMask = encodeSnapshotMask(thresholdCrop(object.origin.probabilities, width, height, threshold));
      return { id: object.id, clicks, mask, startMask };
    }),
  };
}

/** How {@link rebuildSnapshotObjects} rebuilds each object's state. */
export interface RebuildOptions {
  readonly segmenter: ClickSegmenter<unknown>;
  readonly image: RgbImage;
  /** Rerun the model click by click (exact state) instead of starting from the saved mask. */
  readonly replayClicks: boolean;
  /** Needed unless every object is replayed from an empty start. */
  readonly stateFromProbabilities: StateFromProbabilities | undefined;
}

/** The objects of a decoded snapshot with their states rebuilt; changes nothing (the session swaps them in). */
export async function rebuildSnapshotObjects(
  decoded: DecodedSnapshot,
  options: RebuildOptions,
): Promise<RestoredObject[]> {
  const { segmenter, image, stateFromProbabilities } = options;
  const rebuilt: RestoredObject[] = [];
  for (const object of decoded.objects) {
    const origin =
      object.startMask === undefined
        ? EMPTY_ENTRY
        : entryFromMask(image, object.startMask, [], stateFromProbabilities!);
    const entry = options.replayClicks
      ? await replayClicks(segmenter, image, origin, object.clicks)
      : entryFromMask(image, object.mask, object.clicks, stateFromProbabilities!);
    rebuilt.push({
      id: object.id,
      origin,
      startedFromMask: object.startMask !== undefined,
      entry,
      edited: object.clicks.length > 0 || entry.probabilities !== undefined,
    });
  }
  return rebuilt;
}
