/*
 * The parts of the Label Studio frontend (npm @heartexlabs/label-studio 1.4.0, the `LabelStudio` class its
 * build puts on `window`) that the plugin touches, typed structurally: the package ships no types, and the
 * plugin must not import it. Facts read from the 1.4.0 build's sources (its source map):
 *
 * - `new LabelStudio(root, options)` creates the app asynchronously; `labelStudio.store` (the AppStore) exists
 *   once the `labelStudioLoad` event has fired (its argument is the store). `on(name, fn)` / `off(name, fn)`.
 * - `regionFinishedDrawing(region, group)` fires (src/mixins/Regions.js, `notifyDrawingFinished`) only for
 *   "dynamic" regions, the ones a smart tool drew, and never for regions that came from a suggestion: after a
 *   smart keypoint is placed (and 0 ms later; 1200 ms for smart brush strokes), moved, relabelled or deleted.
 *   `group` is every dynamic region of the selected annotation with the same region type and label, in
 *   creation order; on deletion it no longer holds the deleted region.
 * - A smart keypoint serializes as `{id, from_name, to_name, type: 'keypointlabels', original_width,
 *   original_height, image_rotation, value: {x, y (percent), width, labels, keypointlabels}, is_positive}`;
 *   `is_positive` is false when Alt was held while clicking.
 * - `store.loadSuggestions(request, dataParser)` (a mobx-state-tree flow): sets `awaitingSuggestions`, awaits
 *   `request` (any promise), and when no later call started meanwhile, calls
 *   `annotationStore.selected.setSuggestions(dataParser(response))` and clears `awaitingSuggestions`. If
 *   `request` rejects, the flow rejects and `awaitingSuggestions` stays set: never pass a promise that rejects.
 * - `setSuggestions(results)` replaces all suggestions of the annotation (results are deserialized like
 *   predictions: region ids become `<id>#<annotation id>`); with `store.autoAcceptSuggestions` on, each is
 *   moved at once into the annotation's regions (`areas.set(id, ...)`, so a suggestion with the id of an
 *   accepted region replaces that region).
 * - The Label Studio app's own interactive flow (its data manager) serializes the group's results, sends them
 *   to the ML backend and passes the answer to `loadSuggestions`; it leaves the smart keypoints in place.
 */

/** A Label Studio frontend instance (`new LabelStudio(...)`). */
export interface LabelStudioLike {
  /** The app store; set once the frontend has loaded. */
  readonly store?: LabelStudioAppStore | null;
  on(eventName: string, callback: (...args: never[]) => unknown): void;
  off(eventName: string, callback?: (...args: never[]) => unknown): void;
}

/** The frontend's AppStore (the fields the plugin reads). */
export interface LabelStudioAppStore {
  /** The labeling config XML. */
  readonly config?: string;
  readonly task?: { readonly id?: number | null; readonly dataObj?: Record<string, unknown> | null } | null;
  readonly annotationStore?: { readonly selected?: LabelStudioAnnotation | null } | null;
  readonly autoAcceptSuggestions?: boolean;
  loadSuggestions(request: Promise<unknown>, dataParser: (response: unknown) => unknown[]): unknown;
}

/** An annotation (or prediction) of the task. */
export interface LabelStudioAnnotation {
  readonly id: string | number;
  /** Every result of the annotation, serialized as Label Studio saves them. */
  serializeAnnotation(options?: unknown): unknown[];
}

/** A region as `regionFinishedDrawing` passes it. */
export interface LabelStudioRegion {
  /** `<region id>#<annotation id>`. */
  readonly id: string;
  /** The id without the annotation part (the `id` of its serialized results). */
  readonly cleanId?: string;
  /** `keypointregion`, `rectangleregion`, `brushregion`, ... */
  readonly type: string;
  readonly labelName?: string;
  /** The object tag the region is on (`<Image>`). */
  readonly object?: { readonly name?: string } | null;
  /** true for regions a smart tool drew. */
  readonly dynamic?: boolean;
}

/** The region type of smart keypoints. */
export const KEYPOINT_REGION_TYPE = 'keypointregion';

/** `region.cleanId`, or the id without its `#<annotation id>` suffix. */
export function cleanRegionId(region: LabelStudioRegion): string {
  return typeof region.cleanId === 'string' ? region.cleanId : String(region.id).replace(/#.*/, '');
}

/**
 * The serialized results of `group`'s regions, in the annotation's order: what Label Studio sends an ML
 * backend as `params.context.result` for the same event.
 */
export function serializeGroup(annotation: LabelStudioAnnotation, group: readonly LabelStudioRegion[]): unknown[] {
  const ids = new Set(group.map(cleanRegionId));
  return annotation.serializeAnnotation().filter((result) => {
    const id = (result as { id?: unknown } | null)?.id;
    return typeof id === 'string' && ids.has(id);
  });
}
