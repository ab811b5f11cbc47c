import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ClickPredictor,
  DEFAULT_BOX_CROP_OPTIONS,
  InvalidArgumentError,
  InvalidClickError,
  ModelLoadError,
  readModelMetadata,
  resolvePredictorOptions,
  type ModelMetadata,
  type SegmentationModel,
} from '@simpleclick/core';
import { maskToPolygons } from '@simpleclick/core/formats';
import { createNodeModel } from '@simpleclick/core/node';
import { badRequest, BackendError } from '../errors/backend-error';
import { createGuardedHttpGet } from '../images/guarded-http-get';
import { ImageStore } from '../images/image-store';
import { LabelStudioAuth } from '../images/label-studio-auth';
import { TrustedHosts } from '../images/trusted-hosts';
import { parseLabelConfig, type LabelConfig } from '../protocol/label-config';
import { selectOutputTargets } from '../protocol/output-targets';
import { boxToRoi, keypointToClick } from '../protocol/percent-coordinates';
import { parsePredictRequest, parseSetupRequest } from '../protocol/predict-request';
import {
  brushRegion,
  polygonRegions,
  type LabelStudioPrediction,
  type LabelStudioRegion,
} from '@simpleclick/core/formats';
import { DEFAULT_MASK_POST_PROCESSING, InteractiveSegmenter } from '../segmentation/interactive-segmenter';
import { resizeMaskNearest } from '../segmentation/resize-mask-nearest';
import {
  DEFAULT_BACKEND_OPTIONS,
  type BackendLog,
  type BackendOptions,
  type PolygonOutputOptions,
  type RegionOutput,
} from './backend-options';
import { LabelStudioConnections } from './label-studio-connections';

/** Name reported as `model_class` by `/health`, as Python ML backends report their class. */
const MODEL_CLASS_NAME = 'SimpleClickBackend';

/** Where the model is: not yet loaded (it loads on the first `/predict` or {@link SimpleClickBackend.warmUp}), loading, ready, failed. */
export type ModelState = 'not-loaded' | 'loading' | 'ready' | 'failed';

/** The `/health` answer. */
export interface BackendHealth {
  readonly status: 'UP';
  readonly model_class: string;
  readonly model_version: string;
  readonly model_state: ModelState;
}

/** Counters for `/metrics` and tests. */
export interface BackendStats {
  readonly predictRequests: number;
  readonly interactiveRequests: number;
  /** Model forward passes (one per click the state cache could not supply). */
  readonly modelRuns: number;
  /** Image downloads or file reads (cache misses). */
  readonly imageFetches: number;
  /** Access token refreshes at /api/token/refresh/. */
  readonly tokenRefreshes: number;
  readonly cachedImageBytes: number;
  readonly cachedStateBytes: number;
}

/** The `/predict` answer: one prediction per task answered. */
export interface PredictResponse {
  readonly results: LabelStudioPrediction[];
}

/** Projects whose `/setup` schema is remembered (for `/predict` requests without `label_config`). */
const MAX_REMEMBERED_PROJECTS = 256;
/** Parsed labeling configs kept. */
const MAX_PARSED_CONFIGS = 32;

/**
 * The SimpleClick Label Studio ML backend without HTTP: what `/health`, `/setup`, `/predict` and `/webhook` answer
 * (see `createRequestListener` and `serve` for the server). Cheap to create: the model's weights load on the
 * first `/predict` (or {@link warmUp}), never in `/setup`.
 *
 * Interactive `/predict` (a context with keypoints and/or a rectangle) answers one prediction for the first task:
 * the object's mask as a `brushlabels` region (Label Studio brush RLE) and/or `polygonlabels` regions. A request
 * without context (batch pre-annotation, "Retrieve predictions") answers no prediction: SimpleClick needs clicks.
 */
export class SimpleClickBackend {
  /** The `model_version` reported to Label Studio. */
  readonly modelVersion: string;
  /** The model file's metadata, when the model is a file. */
  readonly modelMetadata: ModelMetadata | undefined;

  readonly #options: BackendOptions;
  readonly #regions: RegionOutput;
  readonly #polygon: PolygonOutputOptions;
  readonly #maxClicks: number;
  readonly #connections: LabelStudioConnections;
  readonly #images: ImageStore;
  readonly #log: BackendLog;
  readonly #setupConfigs = new Map<string, string>();
  readonly #parsedConfigs = new Map<string, LabelConfig>();
  #model: Promise<{ predictor: ClickPredictor; segmenter: InteractiveSegmenter }> | undefined;
  #modelState: ModelState = 'not-loaded';
  #segmenter: InteractiveSegmenter | undefined;
  #closed = false;
  #predictRequests = 0;
  #interactiveRequests = 0;
  #modelRuns = 0;

  private constructor(options: BackendOptions, modelVersion: string, metadata: ModelMetadata | undefined) {
    this.#options = options;
    this.modelVersion = modelVersion;
    this.modelMetadata = metadata;
    this.#regions = options.regions ?? DEFAULT_BACKEND_OPTIONS.regions;
    this.#polygon = { ...DEFAULT_BACKEND_OPTIONS.polygon, ...options.polygon };
    this.#maxClicks = options.maxClicks ?? DEFAULT_BACKEND_OPTIONS.maxClicks;
    this.#log = options.log ?? (() => undefined);
    this.#connections = new LabelStudioConnections(options.labelStudio ?? {}, options.fetch ?? fetch, this.#log);
    this.#images = new ImageStore({
      cacheBytes: options.imageCacheBytes ?? DEFAULT_BACKEND_OPTIONS.imageCacheBytes,
      maxPixels: options.maxImagePixels ?? DEFAULT_BACKEND_OPTIONS.maxImagePixels,
      fetch: options.imageFetch ?? {},
      ...(options.localFilesRoot !== undefined ? { localFilesRoot: options.localFilesRoot } : {}),
      trustedHosts: new TrustedHosts(options.allowedHosts ?? []),
      ...(options.resolveHost !== undefined ? { httpGet: createGuardedHttpGet(options.resolveHost) } : {}),
    });
  }

  /**
   * A backend for `options.model`. Checks every option and, for a model file, reads its metadata (not its
   * weights) for the model version.
   * @throws InvalidArgumentError for bad options; ModelLoadError / ModelContractError for a model file that
   *   cannot be read or is not a SimpleClick export.
   */
  static async create(options: BackendOptions): Promise<SimpleClickBackend> {
    checkOptions(options);
    let metadata: ModelMetadata | undefined;
    let defaultVersion = 'simpleclick';
    if (typeof options.model === 'string') {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(options.model));
      } catch (cause) {
        throw new ModelLoadError(`cannot read the model file "${options.model}": ${(cause as Error).message}`, {
          cause,
        });
      }
      metadata = readModelMetadata(bytes);
      defaultVersion = basename(options.model).replace(/\.onnx$/i, '');
    }
    return new SimpleClickBackend(options, options.modelVersion ?? defaultVersion, metadata);
  }

  /** `GET /health`: answers at once, whatever the model's state. */
  health(): BackendHealth {
    return {
      status: 'UP',
      model_class: MODEL_CLASS_NAME,
      model_version: this.modelVersion,
      model_state: this.#modelState,
    };
  }

  /**
   * `POST /setup`: remembers the project's labeling config, and Label Studio's `hostname` and `access_token` where
   * the configuration names no Label Studio (see `LabelStudioConnections`); answers the model version. Loads
   * nothing.
   */
  setup(body: unknown): { model_version: string } {
    const request = parseSetupRequest(body);
    this.#connections.fromSetup(request.projectId, request.hostname, request.accessToken);
    if (request.projectId !== undefined && request.labelConfig !== undefined) {
      this.#setupConfigs.delete(request.projectId);
      this.#setupConfigs.set(request.projectId, request.labelConfig);
      if (this.#setupConfigs.size > MAX_REMEMBERED_PROJECTS)
        this.#setupConfigs.delete(this.#setupConfigs.keys().next().value as string);
    }
    return { model_version: this.modelVersion };
  }

  /** `POST /webhook`: acknowledged (this backend does not train). */
  webhook(_body: unknown): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Counters for `/metrics`. */
  stats(): BackendStats {
    return {
      predictRequests: this.#predictRequests,
      interactiveRequests: this.#interactiveRequests,
      modelRuns: this.#modelRuns,
      imageFetches: this.#images.fetchCount,
      tokenRefreshes: this.#connections.refreshCount,
      cachedImageBytes: this.#images.cachedBytes,
      cachedStateBytes: this.#segmenter?.cachedStateBytes ?? 0,
    };
  }

  /** Loads the model now instead of on the first `/predict`. Rejects as that load would (ModelLoadError...). */
  async warmUp(): Promise<void> {
    await this.#loadModel();
  }

  /**
   * `POST /predict` (see the class notes).
   * @throws BackendError / SDK errors, mapped to HTTP statuses by `toBackendError`.
   */
  async predict(body: unknown): Promise<PredictResponse> {
    const startMs = performance.now();
    const request = parsePredictRequest(body);
    this.#predictRequests++;
    const context = request.context;
    if (context === undefined) return { results: [] };
    this.#interactiveRequests++;
    if (request.tasks.length === 0) throw badRequest('"tasks" is empty: an interactive request needs its task');
    if (context.keypoints.length > this.#maxClicks) {
      throw new InvalidClickError(
        `${context.keypoints.length} keypoints in one request; the limit is ${this.#maxClicks}`,
      );
    }
    const xml =
      request.labelConfig ?? (request.projectId !== undefined ? this.#setupConfigs.get(request.projectId) : undefined);
    if (xml === undefined) throw badRequest('"label_config" is missing and no /setup schema is known for this project');
    const targets = selectOutputTargets(this.#parseConfig(xml), this.#regions, context.toName, context.label);
    const task = request.tasks[0];
    const imageValue = task.data[targets.image.dataKey];
    if (typeof imageValue !== 'string') {
      throw badRequest(
        `tasks[0].data.${targets.image.dataKey} must be the image URL (a string) named by <Image value="$${targets.image.dataKey}">`,
      );
    }

    if (context.box === undefined && context.keypoints[0]?.isPositive === false) {
      // As the SDK (NoPositiveClickError) and the CVAT interactor (min_pos_points 1): a negative click says what the
      // object is not, so an object cannot start with one, and the model would only answer a guess. Refused with
      // a reason Label Studio shows, before any download or model run.
      throw new InvalidClickError(
        'no positive click yet: the first click on an object must be positive (a click without Alt), or draw a box; ' +
          'negative clicks (Alt) only refine an object',
      );
    }
    const auth = this.#connections.forProject(request.projectId);
    const [{ segmenter }, loaded] = await Promise.all([
      this.#loadModel(),
      this.#images.load(imageValue, auth, task.id),
    ]);
    const { width, height } = loaded.image;
    const clicks = context.keypoints.map((keypoint, index) => keypointToClick(keypoint, width, height, index));
    const box = context.box !== undefined ? boxToRoi(context.box, width, height) : undefined;
    const outcome = await segmenter.segment({ loaded, clicks, ...(box !== undefined ? { box } : {}) });

    let mask = outcome.mask;
    const reportedWidth = context.originalWidthPx ?? width;
    const reportedHeight = context.originalHeightPx ?? height;
    if (reportedWidth !== width || reportedHeight !== height) {
      this.#log(
        'warn',
        `task ${String(task.id)}: Label Studio reports a ${reportedWidth} x ${reportedHeight} image, decoded ${width} x ${height}; ` +
          'the mask is resampled to the reported size',
      );
      mask = resizeMaskNearest(mask, reportedWidth, reportedHeight);
    }

    const outputControl = targets.brush ?? targets.polygon;
    const label = context.label ?? outputControl?.labels[0] ?? 'Object';
    for (const control of [targets.brush, targets.polygon]) {
      if (control !== undefined && control.labels.length > 0 && !control.labels.includes(label)) {
        this.#log(
          'warn',
          `label "${label}" is not a <Label> of <${control.tag} name="${control.name}">: add it to the labeling config`,
        );
      }
    }
    const score = outcome.score;
    const result: LabelStudioRegion[] = [];
    const isEmpty = !mask.data.some((value) => value !== 0);
    if (!isEmpty && targets.brush !== undefined) {
      const names = { fromName: targets.brush.name, toName: targets.image.name, label };
      result.push(brushRegion(mask, names, regionId(), { score, readonly: false }));
    }
    if (!isEmpty && targets.polygon !== undefined) {
      const polygons = maskToPolygons(mask, {
        epsilonPx: this.#polygon.epsilonPx,
        minAreaPx: this.#polygon.minAreaPx,
        ...(this.#polygon.maxVertices !== undefined ? { maxVerticesPerPolygon: this.#polygon.maxVertices } : {}),
      });
      const names = { fromName: targets.polygon.name, toName: targets.image.name, label };
      result.push(
        ...polygonRegions(polygons, mask.width, mask.height, names, `${regionId()}-`, { score, readonly: false })
          .regions,
      );
    }

    const elapsedMs = Math.round(performance.now() - startMs);
    this.#log(
      'info',
      `task ${String(task.id)}: ${outcome.clickCount} click(s), ${outcome.modelRuns} model run(s), ` +
        `${width} x ${height}, ${result.length} region(s)${isEmpty ? ' (empty mask)' : ''}, ${elapsedMs} ms`,
    );
    return { results: [{ model_version: this.modelVersion, score, result }] };
  }

  /** Frees the model. Requests afterwards fail with 503. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const model = this.#model;
    this.#model = undefined;
    if (model !== undefined) await model.then(({ predictor }) => predictor.close()).catch(() => undefined);
  }

  #loadModel(): Promise<{ predictor: ClickPredictor; segmenter: InteractiveSegmenter }> {
    if (this.#closed) return Promise.reject(new BackendError(503, 'SESSION_CLOSED', 'the backend is shutting down'));
    this.#model ??= this.#createPredictor().then(
      (loaded) => {
        this.#modelState = 'ready';
        this.#segmenter = loaded.segmenter;
        return loaded;
      },
      (error: unknown) => {
        this.#modelState = 'failed';
        this.#model = undefined; // the next request tries again
        this.#log('error', `model load failed: ${(error as Error).message}`);
        throw error;
      },
    );
    return this.#model;
  }

  async #createPredictor(): Promise<{ predictor: ClickPredictor; segmenter: InteractiveSegmenter }> {
    this.#modelState = 'loading';
    const source = this.#options.model;
    const startMs = performance.now();
    const model = typeof source === 'string' ? await createNodeModel(source, this.#options.runtime) : await source();
    const counted: SegmentationModel = {
      metadata: model.metadata,
      run: (input) => {
        this.#modelRuns++;
        return model.run(input);
      },
      close: () => model.close(),
    };
    let predictor: ClickPredictor;
    try {
      predictor = await ClickPredictor.create(counted, this.#options.predictor);
    } catch (error) {
      await model.close();
      throw error;
    }
    // Which onnxruntime providers the session really got (a CUDA request falls back to the CPU when the CUDA
    // libraries or the GPU are missing): the operator of the GPU image must be able to see it.
    const requested = this.#options.runtime?.executionProviders;
    const used = (model as { executionProviders?: readonly string[] }).executionProviders;
    const where = used !== undefined ? ` on ${used.join(', ')}` : '';
    this.#log('info', `model ${this.modelVersion} loaded${where} in ${Math.round(performance.now() - startMs)} ms`);
    if (requested !== undefined && used !== undefined && requested[0] !== used[0]) {
      this.#log('warn', `execution provider ${requested[0]} could not start; running on ${used.join(', ')}`);
    }
    const segmenter = new InteractiveSegmenter(predictor, this.#images, {
      stateCacheBytes: this.#options.stateCacheBytes ?? DEFAULT_BACKEND_OPTIONS.stateCacheBytes,
      boxCrop: { ...DEFAULT_BOX_CROP_OPTIONS, ...this.#options.boxCrop },
      postProcessing: { ...DEFAULT_MASK_POST_PROCESSING, ...this.#options.postProcessing },
    });
    return { predictor, segmenter };
  }

  #parseConfig(xml: string): LabelConfig {
    let config = this.#parsedConfigs.get(xml);
    if (config === undefined) {
      config = parseLabelConfig(xml);
      this.#parsedConfigs.set(xml, config);
      if (this.#parsedConfigs.size > MAX_PARSED_CONFIGS)
        this.#parsedConfigs.delete(this.#parsedConfigs.keys().next().value as string);
    }
    return config;
  }
}

/** A short random region id, as Label Studio's own are. */
function regionId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}

function checkOptions(options: BackendOptions): void {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('backend options must be an object');
  const { model, regions, maxClicks, modelVersion } = options;
  if (typeof model !== 'function' && (typeof model !== 'string' || model === '')) {
    throw new InvalidArgumentError('model must be an ONNX file path or a function returning a SegmentationModel');
  }
  if (modelVersion !== undefined && (typeof modelVersion !== 'string' || modelVersion === '')) {
    throw new InvalidArgumentError('modelVersion must be a non-empty string');
  }
  if (regions !== undefined && !['auto', 'brush', 'polygon', 'both'].includes(regions)) {
    throw new InvalidArgumentError(`regions must be 'auto', 'brush', 'polygon' or 'both', got ${String(regions)}`);
  }
  if (maxClicks !== undefined && !(Number.isInteger(maxClicks) && maxClicks >= 1)) {
    throw new InvalidArgumentError(`maxClicks must be an integer >= 1, got ${String(maxClicks)}`);
  }
  const positive: [string, number | undefined][] = [
    ['maxImagePixels', options.maxImagePixels],
    ['imageCacheBytes', options.imageCacheBytes],
    ['stateCacheBytes', options.stateCacheBytes],
  ];
  for (const [name, value] of positive) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new InvalidArgumentError(`${name} must be a number >= 0, got ${String(value)}`);
    }
  }
  const polygon = options.polygon ?? {};
  if (polygon.maxVertices !== undefined && !(Number.isInteger(polygon.maxVertices) && polygon.maxVertices >= 3)) {
    throw new InvalidArgumentError(`polygon.maxVertices must be an integer >= 3, got ${String(polygon.maxVertices)}`);
  }
  if (polygon.epsilonPx !== undefined && !(polygon.epsilonPx >= 0)) {
    throw new InvalidArgumentError(`polygon.epsilonPx must be >= 0, got ${String(polygon.epsilonPx)}`);
  }
  if (polygon.minAreaPx !== undefined && !(polygon.minAreaPx >= 0)) {
    throw new InvalidArgumentError(`polygon.minAreaPx must be >= 0, got ${String(polygon.minAreaPx)}`);
  }
  const post = options.postProcessing ?? {};
  if (post.keepClickedComponents !== undefined && typeof post.keepClickedComponents !== 'boolean') {
    throw new InvalidArgumentError('postProcessing.keepClickedComponents must be a boolean');
  }
  for (const name of ['fillHolesMaxAreaPx', 'removeIslandsMaxAreaPx'] as const) {
    const value = post[name];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new InvalidArgumentError(
        `postProcessing.${name} must be a number >= 0 (Infinity allowed), got ${String(value)}`,
      );
    }
  }
  const box = options.boxCrop ?? {};
  if (box.contextRatio !== undefined && !(box.contextRatio >= 1)) {
    throw new InvalidArgumentError(`boxCrop.contextRatio must be >= 1, got ${String(box.contextRatio)}`);
  }
  if (box.minSizePx !== undefined && !(box.minSizePx >= 1)) {
    throw new InvalidArgumentError(`boxCrop.minSizePx must be >= 1, got ${String(box.minSizePx)}`);
  }
  resolvePredictorOptions(options.predictor ?? {});
  // The connection is checked by LabelStudioAuth's constructor (URL shape, token without URL), the allow-list by
  // TrustedHosts'.
  new LabelStudioAuth(options.labelStudio ?? {});
  if (options.allowedHosts !== undefined && !Array.isArray(options.allowedHosts)) {
    throw new InvalidArgumentError('allowedHosts must be an array of host names');
  }
  new TrustedHosts(options.allowedHosts ?? []);
}
