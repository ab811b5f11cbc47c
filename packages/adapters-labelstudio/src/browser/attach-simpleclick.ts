import { InvalidArgumentError, SimpleClickError, type BinaryMask } from '@simpleclick/core';
import { maskToPolygons } from '@simpleclick/core/formats';
import type { ObjectOutputs, ObjectOutputsRequest } from '@simpleclick/core/web';
import { parseInteractiveContext, type InteractiveContext } from '../protocol/interactive-context';
import { parseLabelConfig, type LabelConfig } from '../protocol/label-config';
import { selectOutputTargets, type OutputTargets } from '../protocol/output-targets';
import { keypointToClick } from '../protocol/percent-coordinates';
import {
  brushRegion,
  brushRegionFromRle,
  polygonRegions,
  type LabelStudioRegion as LabelStudioResult,
} from '@simpleclick/core/formats';
import { resizeMaskNearest } from '../segmentation/resize-mask-nearest';
import { ImageSession } from './image-session';
import {
  KEYPOINT_REGION_TYPE,
  serializeGroup,
  type LabelStudioLike,
  type LabelStudioRegion,
} from './label-studio-frontend';
import { decodeBrowserImage } from './load-browser-image';
import { LabelStudioPluginError, toPluginError } from './plugin-error';
import { resolvePluginOptions, type LabelStudioPluginOptions, type ResolvedPluginOptions } from './plugin-options';

/** The Label Studio event the plugin listens to. */
const REGION_FINISHED_DRAWING = 'regionFinishedDrawing';

/** One group of smart keypoints: the regions Label Studio passes together (same annotation, image and label). */
interface SmartGroup {
  readonly key: string;
  readonly toName: string;
  readonly label: string;
}

/** What an event is about, read when it fires (Label Studio may move to another task while earlier events run). */
interface TaskSnapshot {
  readonly config: unknown;
  readonly taskId: number | undefined;
  readonly taskData: Record<string, unknown> | null | undefined;
}

/** Most clicks (keypoints) in one group, as in the ML backend. */
const MAX_CLICKS = 100;

/**
 * SimpleClick attached to a Label Studio frontend; made by {@link attachSimpleClick}.
 */
export class SimpleClickLabelStudioPlugin {
  readonly #labelStudio: LabelStudioLike;
  readonly #options: ResolvedPluginOptions;
  readonly #listener: (region: LabelStudioRegion, group: readonly LabelStudioRegion[]) => void;
  /** Task image URL -> its session (insertion order = least recently used first). */
  readonly #images = new Map<string, Promise<ImageSession>>();
  /** `<image url>|<group key>` -> the results last loaded for it (loaded again when a later event fails). */
  readonly #lastResults = new Map<string, LabelStudioResult[]>();
  #parsedConfig: { xml: string; config: LabelConfig } | undefined;
  /** Events are handled one at a time, in order. */
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  /** Number of the newest event; older ones still running stop before their next model run. */
  #latestEvent = 0;
  #attached = true;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link attachSimpleClick}. */
  constructor(labelStudio: LabelStudioLike, options: ResolvedPluginOptions) {
    this.#labelStudio = labelStudio;
    this.#options = options;
    this.#listener = (region, group) => this.#onRegionFinishedDrawing(region, group);
    labelStudio.on(REGION_FINISHED_DRAWING, this.#listener);
  }

  /** Whether the plugin still listens to Label Studio. */
  get isAttached(): boolean {
    return this.#attached;
  }

  /** Stops listening to Label Studio; what runs finishes. The sessions stay until `close()`. Idempotent. */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    this.#labelStudio.off(REGION_FINISHED_DRAWING, this.#listener);
  }

  /**
   * Detaches, waits for the event being handled, and frees every image session (and the predictor with
   * `ownsPredictor`). Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeOnce();
    return this.#closing;
  }

  async #closeOnce(): Promise<void> {
    this.detach();
    this.#latestEvent++; // whatever still runs stops before its next model run
    await this.#queue;
    const sessions = [...this.#images.values()];
    this.#images.clear();
    this.#lastResults.clear();
    for (const session of sessions) await session.then((image) => image.close()).catch(() => undefined);
    if (this.#options.ownsPredictor) await this.#options.predictor.close?.();
  }

  #onRegionFinishedDrawing(region: LabelStudioRegion, group: readonly LabelStudioRegion[]): void {
    // Never throw into Label Studio: everything is reported through onError.
    try {
      if (!this.#attached) return;
      // `satisfies unknown`: Array.isArray(x) itself would narrow a readonly T[] to any[] (its declared guard).
      const regions = Array.isArray(group satisfies unknown) ? group : [];
      // After a deletion `region` is a destroyed node (Label Studio fires the event from beforeDestroy, later):
      // reading it gives stale values and mobx-state-tree warnings. The group's regions are alive; `region` is
      // read only when the group is empty (the group's last keypoint was deleted).
      const representative = regions[0] ?? region;
      if (representative?.type !== KEYPOINT_REGION_TYPE) return;
      const store = this.#labelStudio.store;
      const annotation = store?.annotationStore?.selected;
      if (store === undefined || store === null || annotation === undefined || annotation === null) return;
      if (typeof store.loadSuggestions !== 'function') {
        throw new LabelStudioPluginError(
          'UNSUPPORTED',
          'this Label Studio frontend has no store.loadSuggestions (1.4.0 or later needed)',
        );
      }
      // Serialized now, as Label Studio's own flow does: the regions may change while earlier events run.
      const results = serializeGroup(annotation, regions);
      const toName = representative.object?.name ?? '';
      const label = representative.labelName ?? '';
      const smartGroup: SmartGroup = { key: JSON.stringify([String(annotation.id), toName, label]), toName, label };
      const taskId = store.task?.id;
      const task: TaskSnapshot = {
        config: store.config,
        taskId: typeof taskId === 'number' ? taskId : undefined,
        taskData: store.task?.dataObj,
      };
      const eventNumber = ++this.#latestEvent;
      const startMs = performance.now();
      const request = this.#enqueue(() => this.#suggest(eventNumber, startMs, task, smartGroup, results));
      // loadSuggestions applies only the answer of its newest call, and never rejects here (see #suggest).
      Promise.resolve(store.loadSuggestions(request, (response) => response as unknown[])).catch((error: unknown) =>
        this.#report(error),
      );
    } catch (error) {
      this.#report(error);
    }
  }

  /** Runs `job` after the jobs before it; resolves with its result (jobs never reject). */
  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    if (this.#pending++ === 0) this.#callBusy(true);
    const run = this.#queue.then(job);
    this.#queue = run.finally(() => {
      if (--this.#pending === 0) this.#callBusy(false);
    });
    return run;
  }

  /**
   * The results to load for one event. Never rejects: on failure the error goes to onError and the group's
   * previous results are loaded again, so what Label Studio shows stays as it was.
   */
  async #suggest(
    eventNumber: number,
    startMs: number,
    task: TaskSnapshot,
    group: SmartGroup,
    serialized: unknown[],
  ): Promise<LabelStudioResult[]> {
    const isStale = () => eventNumber !== this.#latestEvent;
    let resultsKey: string | undefined;
    try {
      const context = parseInteractiveContext({ result: serialized });
      // The last smart keypoint of the group was deleted: clear the suggestion (the next click starts afresh).
      if (context === undefined || context.keypoints.length === 0) {
        for (const key of this.#lastResults.keys()) if (key.endsWith(`|${group.key}`)) this.#lastResults.delete(key);
        return this.#deliver(task, group, [], [], 0, startMs);
      }
      if (context.keypoints.length > MAX_CLICKS) {
        throw new LabelStudioPluginError(
          'INVALID_CLICK',
          `${context.keypoints.length} smart keypoints in one group; the limit is ${MAX_CLICKS}`,
        );
      }
      const targets = selectOutputTargets(
        this.#labelConfig(task.config),
        this.#options.regions,
        context.toName,
        context.label,
      );
      const url = taskImageUrl(task.taskData, targets);
      resultsKey = `${url}|${group.key}`;
      const image = await this.#imageSession(url);
      if (isStale()) return this.#lastResults.get(resultsKey) ?? [];
      const { width, height } = image;
      const clicks = context.keypoints.map((keypoint, index) => keypointToClick(keypoint, width, height, index));
      const synced = await image.syncClicks(group.key, clicks, isStale);
      if (!synced.complete) return this.#lastResults.get(resultsKey) ?? [];

      // Clean-up, score, RLE and polygons are image-sized work: computed where the session runs (with the SDK's
      // worker, off the page's thread), and only their small results come back. When Label Studio reports
      // another natural size than the decoded one (rare), the mask itself comes back to be resized here.
      const reportedWidth = context.originalWidthPx ?? width;
      const reportedHeight = context.originalHeightPx ?? height;
      const sameSize = reportedWidth === width && reportedHeight === height;
      const outputs = await image.outputs(synced.objectId, this.#outputsRequest(targets, sameSize));
      const regionId = image.regionIdOf(group.key, randomRegionId);
      const results = sameSize
        ? this.#regionsOf(outputs, targets, context, regionId)
        : this.#regions(
            resizeMaskNearest(outputs.mask!, reportedWidth, reportedHeight),
            targets,
            context,
            regionId,
            outputs.meanProbability ?? 0,
          );
      this.#lastResults.set(resultsKey, results);
      return this.#deliver(task, group, clicks, results, synced.modelRuns, startMs);
    } catch (error) {
      this.#report(error);
      return resultsKey !== undefined ? (this.#lastResults.get(resultsKey) ?? []) : [];
    }
  }

  #deliver(
    task: TaskSnapshot,
    group: SmartGroup,
    clicks: readonly { xPx: number; yPx: number; isPositive: boolean }[],
    results: LabelStudioResult[],
    modelRuns: number,
    startMs: number,
  ): LabelStudioResult[] {
    try {
      this.#options.onSuggestion?.({
        taskId: task.taskId,
        label: group.label,
        toName: group.toName,
        clicks,
        results,
        modelRuns,
        elapsedMs: performance.now() - startMs,
      });
    } catch (error) {
      this.#report(error);
    }
    return results;
  }

  /**
   * What to compute from the object's mask: the clean-up of `postProcessing` (with the object's clicks), the
   * score, and the RLE and polygons the targets need; or, when the mask must be resized first, the mask.
   */
  #outputsRequest(targets: OutputTargets, sameSize: boolean): ObjectOutputsRequest {
    const { keepClickedComponents, fillHolesMaxAreaPx, removeIslandsMaxAreaPx } = this.#options.postProcessing;
    const cleans = keepClickedComponents || fillHolesMaxAreaPx !== 0 || removeIslandsMaxAreaPx !== 0;
    const { epsilonPx, minAreaPx, maxVertices } = this.#options.polygon;
    return {
      ...(cleans
        ? { cleanUp: { keep: keepClickedComponents ? 'clicked' : 'all', fillHolesMaxAreaPx, removeIslandsMaxAreaPx } }
        : {}),
      meanProbability: true,
      ...(!sameSize
        ? { mask: true }
        : {
            labelStudioBrushRle: targets.brush !== undefined,
            ...(targets.polygon !== undefined
              ? {
                  polygons: {
                    epsilonPx,
                    minAreaPx,
                    ...(maxVertices !== undefined ? { maxVerticesPerPolygon: maxVertices } : {}),
                  },
                }
              : {}),
          }),
    };
  }

  /** The brush and/or polygon results from the outputs of the mask (the same results as {@link #regions}). */
  #regionsOf(
    outputs: ObjectOutputs,
    targets: OutputTargets,
    context: InteractiveContext,
    regionId: string,
  ): LabelStudioResult[] {
    if (outputs.areaPx === 0) return [];
    const label = context.label ?? (targets.brush ?? targets.polygon)?.labels[0] ?? 'Object';
    const extras = { score: outputs.meanProbability ?? 0, readonly: false };
    const results: LabelStudioResult[] = [];
    if (targets.brush !== undefined) {
      const names = { fromName: targets.brush.name, toName: targets.image.name, label };
      results.push(
        brushRegionFromRle(outputs.labelStudioBrushRle!, outputs.width, outputs.height, names, regionId, extras),
      );
    }
    if (targets.polygon !== undefined) {
      const names = { fromName: targets.polygon.name, toName: targets.image.name, label };
      results.push(
        ...polygonRegions(outputs.polygons ?? [], outputs.width, outputs.height, names, `${regionId}-`, extras).regions,
      );
    }
    return results;
  }

  /** The brush and/or polygon results for a mask, built as the ML backend builds them. */
  #regions(
    mask: BinaryMask,
    targets: OutputTargets,
    context: InteractiveContext,
    regionId: string,
    score: number,
  ): LabelStudioResult[] {
    if (!mask.data.some((value) => value !== 0)) return [];
    const label = context.label ?? (targets.brush ?? targets.polygon)?.labels[0] ?? 'Object';
    const extras = { score, readonly: false };
    const results: LabelStudioResult[] = [];
    if (targets.brush !== undefined) {
      results.push(
        brushRegion(mask, { fromName: targets.brush.name, toName: targets.image.name, label }, regionId, extras),
      );
    }
    if (targets.polygon !== undefined) {
      const { epsilonPx, minAreaPx, maxVertices } = this.#options.polygon;
      const polygons = maskToPolygons(mask, {
        epsilonPx,
        minAreaPx,
        ...(maxVertices !== undefined ? { maxVerticesPerPolygon: maxVertices } : {}),
      });
      const names = { fromName: targets.polygon.name, toName: targets.image.name, label };
      results.push(...polygonRegions(polygons, mask.width, mask.height, names, `${regionId}-`, extras).regions);
    }
    return results;
  }

  #labelConfig(xml: unknown): LabelConfig {
    if (typeof xml !== 'string')
      throw new LabelStudioPluginError('LABEL_CONFIG', 'Label Studio has no labeling config (store.config)');
    if (this.#parsedConfig?.xml !== xml) this.#parsedConfig = { xml, config: parseLabelConfig(xml) };
    return this.#parsedConfig.config;
  }

  /** The session of a task image, loading the image on first use; keeps `maxImages` of them. */
  async #imageSession(url: string): Promise<ImageSession> {
    let session = this.#images.get(url);
    if (session !== undefined) {
      this.#images.delete(url); // re-inserted below: most recently used
    } else {
      const { loadImage, maxImagePixels, imageRequestInit } = this.#options;
      const { predictor } = this.#options;
      // The caller's pixels stay the caller's (copied once to a worker); the default loader's decoded bitmap is
      // moved to the worker and read there (no image-sized work on the page's thread).
      session =
        loadImage !== undefined
          ? loadImage(url).then(
              (image) => ImageSession.create(predictor, image, false),
              (error: unknown) => {
                if (error instanceof LabelStudioPluginError || error instanceof SimpleClickError) throw error;
                throw new LabelStudioPluginError(
                  'IMAGE_LOAD',
                  `loadImage failed: ${(error as Error)?.message ?? String(error)}`,
                  { cause: error },
                );
              },
            )
          : decodeBrowserImage(url, {
              maxImagePixels,
              ...(imageRequestInit !== undefined ? { requestInit: imageRequestInit } : {}),
            }).then((bitmap) => ImageSession.create(predictor, bitmap, true));
    }
    this.#images.set(url, session);
    while (this.#images.size > this.#options.maxImages) {
      const [oldestUrl, oldest] = this.#images.entries().next().value as [string, Promise<ImageSession>];
      this.#images.delete(oldestUrl);
      for (const key of this.#lastResults.keys()) if (key.startsWith(`${oldestUrl}|`)) this.#lastResults.delete(key);
      void oldest.then((image) => image.close()).catch(() => undefined);
    }
    try {
      return await session;
    } catch (error) {
      if (this.#images.get(url) === session) this.#images.delete(url); // the next event tries again
      throw error;
    }
  }

  #callBusy(busy: boolean): void {
    try {
      this.#options.onBusy?.(busy);
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError(toPluginError(error));
    } catch {
      // An onError that throws must not break Label Studio either.
    }
  }
}

/**
 * Makes SimpleClick the smart keypoint tool of a Label Studio frontend embedded in this page, with no ML
 * backend: each smart keypoint (Alt-click: negative) runs the model in the browser and the mask comes back as
 * a suggestion (`store.loadSuggestions`), a brush region (Label Studio's RLE) or polygons, built as the ML
 * backend of this package builds them.
 *
 * The labeling config needs an `<Image>`, a `<KeyPointLabels smart="true">` on it and a `<BrushLabels>` or
 * `<PolygonLabels>` on it with the same labels (see the README). Each task image gets one SegmentationSession
 * (the image is downloaded and decoded once); each group of smart keypoints (same annotation, image and label,
 * as Label Studio groups them) is one object of it, refined click by click. Like Label Studio's own
 * interactive flow, the keypoints stay in the annotation; the suggestion keeps one region id per group, so each
 * click replaces the previous suggestion (and, with "auto accept", the accepted region).
 *
 * Failures (config without the tags, an image that cannot be downloaded, a model error) go to
 * `options.onError` and leave Label Studio as it was; nothing is thrown into the page.
 *
 * With the SDK's worker (`createWorkerPredictor`, recommended) the model, the per-click processing and the
 * suggestion's image-sized work (clean-up, score, brush RLE, polygons: `WorkerSession.getObjectOutputs`) run in
 * a Web Worker; the page's thread receives the small results. A ClickPredictor on the page's thread gives the
 * same suggestions, with all that work on the page's thread.
 *
 * ```ts
 * import { createWorkerPredictor } from '@simpleclick/core/web';
 * import { attachSimpleClick } from '@simpleclick/adapters-labelstudio/browser';
 *
 * const labelStudio = new LabelStudio('label-studio', { config, task, interfaces, user });
 * const predictor = await createWorkerPredictor('/models/simpleclick.onnx');
 * const plugin = attachSimpleClick(labelStudio, { predictor, onError: (error) => showMessage(error.message) });
 * // ... later
 * await plugin.close();
 * ```
 *
 * @param labelStudio - The `LabelStudio` instance (`new LabelStudio(...)` of @heartexlabs/label-studio 1.4.0).
 * @throws InvalidArgumentError (at once) for a `labelStudio` without `on`/`off` or bad options.
 */
export function attachSimpleClick(
  labelStudio: LabelStudioLike,
  options: LabelStudioPluginOptions,
): SimpleClickLabelStudioPlugin {
  if (
    typeof labelStudio !== 'object' ||
    labelStudio === null ||
    typeof labelStudio.on !== 'function' ||
    typeof labelStudio.off !== 'function'
  ) {
    throw new InvalidArgumentError('labelStudio must be a LabelStudio frontend instance (with on() and off())');
  }
  return new SimpleClickLabelStudioPlugin(labelStudio, resolvePluginOptions(options));
}

/** The absolute URL of the task's image, from the `<Image value="$key">` field of the task data. */
function taskImageUrl(taskData: Record<string, unknown> | null | undefined, targets: OutputTargets): string {
  const key = targets.image.dataKey;
  const value = taskData?.[key];
  if (Array.isArray(value)) {
    throw new LabelStudioPluginError(
      'UNSUPPORTED',
      `task data "${key}" is a list of images; the plugin handles one image per <Image>`,
    );
  }
  if (typeof value !== 'string' || value === '') {
    throw new LabelStudioPluginError(
      'IMAGE_URL',
      `the task has no image URL in data.${key} (named by <Image value="$${key}">)`,
    );
  }
  try {
    return new URL(value, pageBaseUrl()).href;
  } catch (error) {
    throw new LabelStudioPluginError('IMAGE_URL', `data.${key} is not a URL: ${value.slice(0, 80)}`, { cause: error });
  }
}

/** The page's base URL, against which relative image URLs resolve (none outside a page: absolute URLs only). */
function pageBaseUrl(): string | undefined {
  const scope = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  return scope.document?.baseURI ?? scope.location?.href;
}

/** A 10-character random region id, like Label Studio's own (getRandomValues works outside secure contexts too). */
function randomRegionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}
