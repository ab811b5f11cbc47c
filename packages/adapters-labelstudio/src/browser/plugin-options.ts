import { InvalidArgumentError, type ClickSegmenter, type RgbImage } from '@simpleclick/core';
import type { WorkerPredictor } from '@simpleclick/core/web';
import type { LabelStudioRegion as LabelStudioResult } from '@simpleclick/core/formats';
import { DEFAULT_POLYGON_OUTPUT_OPTIONS, type PolygonOutputOptions, type RegionOutput } from '../results/region-output';
import { DEFAULT_MASK_POST_PROCESSING, type MaskPostProcessing } from '../segmentation/mask-post-processing';
import type { LabelStudioPluginError } from './plugin-error';

/** A suggestion the plugin loaded into Label Studio. */
export interface SuggestionEvent {
  /** The task (`store.task.id`), when it has one. */
  readonly taskId: number | undefined;
  /** The smart keypoints' label and image (`<Image name>`). */
  readonly label: string;
  readonly toName: string;
  /** The clicks the mask is for, in image pixels, in order. */
  readonly clicks: readonly { readonly xPx: number; readonly yPx: number; readonly isPositive: boolean }[];
  /** What was passed to `loadSuggestions` (empty when the mask is empty or the last keypoint was deleted). */
  readonly results: readonly LabelStudioResult[];
  /** Model runs for this event (0 when it only needed undo steps). */
  readonly modelRuns: number;
  /** From the event to the suggestion, image download and decoding included (ms). */
  readonly elapsedMs: number;
}

/**
 * What runs the model for the plugin: the SDK's {@link WorkerPredictor} (`await createWorkerPredictor(url)` from
 * `@simpleclick/core/web`: the model and every click's work in a Web Worker, so Label Studio's page never freezes;
 * recommended), or a predictor on the page's thread (`await ClickPredictor.create(await createWebModel(url))`, or
 * any other ClickSegmenter). Both give the same suggestions.
 */
export type LabelStudioPluginPredictor = ClickSegmenter<unknown> | WorkerPredictor;

/** Everything {@link attachSimpleClick} accepts. Only `predictor` is required. */
export interface LabelStudioPluginOptions {
  /**
   * The SimpleClick predictor: `await createWorkerPredictor(url)` from `@simpleclick/core/web` (recommended: off
   * the page's thread), or a ClickPredictor on the page's thread (see {@link LabelStudioPluginPredictor}). Shared
   * by every image; the plugin closes it only with `ownsPredictor`.
   */
  readonly predictor: LabelStudioPluginPredictor;
  /** Whether `close()` also closes the predictor (default false). */
  readonly ownsPredictor?: boolean;
  /** Which regions a suggestion holds (default `'auto'`: brush when the config has `<BrushLabels>` for the image, else polygons). */
  readonly regions?: RegionOutput;
  readonly polygon?: Partial<PolygonOutputOptions>;
  readonly postProcessing?: Partial<MaskPostProcessing>;
  /** Task images whose sessions are kept (least recently used closed first; default 4). */
  readonly maxImages?: number;
  /** Largest image accepted, in pixels (default 40 megapixels). */
  readonly maxImagePixels?: number;
  /** `fetch` options for the task images (e.g. `{ credentials: 'include' }`). */
  readonly imageRequestInit?: RequestInit;
  /**
   * Replaces the image loading: gets the task image's absolute URL and returns its pixels, at the natural size
   * Label Studio shows (EXIF orientation applied). Default: `fetch` and `createImageBitmap` (see the README).
   */
  readonly loadImage?: (url: string) => Promise<RgbImage>;
  /** Receives every failure (default: `console.error`). Label Studio's own state is left as it was. */
  readonly onError?: (error: LabelStudioPluginError) => void;
  /** Receives each suggestion loaded. */
  readonly onSuggestion?: (event: SuggestionEvent) => void;
  /** Called when the plugin starts working on an event (`busy` true) and when it is done (false). */
  readonly onBusy?: (busy: boolean) => void;
}

/** Defaults of the optional {@link LabelStudioPluginOptions}. */
export const DEFAULT_LABEL_STUDIO_PLUGIN_OPTIONS = Object.freeze({
  ownsPredictor: false,
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the literal Object.freeze infers, in the public type.
  regions: 'auto' as RegionOutput,
  polygon: DEFAULT_POLYGON_OUTPUT_OPTIONS,
  postProcessing: DEFAULT_MASK_POST_PROCESSING,
  maxImages: 4,
  /** 40 megapixels, as the ML backend. */
  maxImagePixels: 40_000_000,
});

/** The options with defaults filled in. */
export interface ResolvedPluginOptions {
  readonly predictor: LabelStudioPluginPredictor;
  readonly ownsPredictor: boolean;
  readonly regions: RegionOutput;
  readonly polygon: PolygonOutputOptions;
  readonly postProcessing: MaskPostProcessing;
  readonly maxImages: number;
  readonly maxImagePixels: number;
  readonly imageRequestInit: RequestInit | undefined;
  readonly loadImage: ((url: string) => Promise<RgbImage>) | undefined;
  readonly onError: (error: LabelStudioPluginError) => void;
  readonly onSuggestion: ((event: SuggestionEvent) => void) | undefined;
  readonly onBusy: ((busy: boolean) => void) | undefined;
}

/**
 * Checks the options and fills in the defaults.
 * @throws InvalidArgumentError naming the first bad option.
 */
export function resolvePluginOptions(options: LabelStudioPluginOptions): ResolvedPluginOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('attachSimpleClick needs an options object with a predictor');
  }
  const { predictor } = options;
  const drivable =
    typeof predictor === 'object' &&
    predictor !== null &&
    (typeof (predictor as ClickSegmenter<unknown>).predict === 'function' ||
      typeof (predictor as WorkerPredictor).createSession === 'function');
  if (!drivable) {
    throw new InvalidArgumentError(
      'options.predictor must be a WorkerPredictor (createWorkerPredictor) or a ClickPredictor (or another ClickSegmenter)',
    );
  }
  const defaults = DEFAULT_LABEL_STUDIO_PLUGIN_OPTIONS;
  const regions = options.regions ?? defaults.regions;
  if (!['auto', 'brush', 'polygon', 'both'].includes(regions)) {
    throw new InvalidArgumentError(
      `options.regions must be 'auto', 'brush', 'polygon' or 'both', got ${String(regions)}`,
    );
  }
  const polygon = { ...defaults.polygon, ...options.polygon };
  if (polygon.maxVertices !== undefined && !(Number.isInteger(polygon.maxVertices) && polygon.maxVertices >= 3)) {
    throw new InvalidArgumentError(
      `options.polygon.maxVertices must be an integer >= 3, got ${String(polygon.maxVertices)}`,
    );
  }
  if (!(polygon.epsilonPx >= 0) || !(polygon.minAreaPx >= 0)) {
    throw new InvalidArgumentError('options.polygon.epsilonPx and minAreaPx must be >= 0');
  }
  const maxImages = options.maxImages ?? defaults.maxImages;
  if (!Number.isInteger(maxImages) || maxImages < 1) {
    throw new InvalidArgumentError(`options.maxImages must be an integer >= 1, got ${String(maxImages)}`);
  }
  const maxImagePixels = options.maxImagePixels ?? defaults.maxImagePixels;
  if (!(maxImagePixels > 0))
    throw new InvalidArgumentError(`options.maxImagePixels must be > 0, got ${String(maxImagePixels)}`);
  for (const name of ['onError', 'onSuggestion', 'onBusy', 'loadImage'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(`options.${name} must be a function`);
    }
  }
  return {
    predictor,
    ownsPredictor: options.ownsPredictor ?? defaults.ownsPredictor,
    regions,
    polygon,
    postProcessing: { ...defaults.postProcessing, ...options.postProcessing },
    maxImages,
    maxImagePixels,
    imageRequestInit: options.imageRequestInit,
    loadImage: options.loadImage,
    onError: options.onError ?? ((error) => console.error(`SimpleClick: ${error.code}: ${error.message}`)),
    onSuggestion: options.onSuggestion,
    onBusy: options.onBusy,
  };
}
