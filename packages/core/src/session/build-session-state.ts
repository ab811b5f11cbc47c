import type { ObjectRegistry } from './object-registry';
import { lazyThresholdCrop } from './probability-crop';
import type { SessionObjectSummary, SessionState } from './session-state';

/**
 * The {@link SessionState} a session reports at `revision`: its current object's clicks and mask at `threshold`
 * (the mask's full-size data is built on its first read, so an operation allocates no image-sized buffer unless
 * someone reads it), undo and redo availability, and a summary of every object. Frozen.
 */
export function buildSessionState(
  registry: ObjectRegistry,
  revision: number,
  width: number,
  height: number,
  threshold: number,
): SessionState {
  const { current } = registry;
  const entry = current.history.current;
  const objects: SessionObjectSummary[] = registry.objects.map((object) =>
    Object.freeze({ id: object.id, clicks: object.history.current.clicks, startedFromMask: object.startedFromMask }),
  );
  return Object.freeze({
    revision,
    currentObjectId: current.id,
    clicks: entry.clicks,
    mask: lazyThresholdCrop(entry.probabilities, width, height, threshold),
    threshold,
    canUndo: current.history.undoSteps > 0,
    canRedo: current.history.redoSteps > 0,
    objects: Object.freeze(objects),
  });
}
