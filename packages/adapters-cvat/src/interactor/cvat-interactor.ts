import { boxCentreClick, boxCropRoi, ByteLruCache, clicksInCrop, pasteMask } from '@simpleclick/core/internal';
import {
  ClickPredictor,
  InvalidArgumentError,
  InvalidClickError,
  InvalidImageError,
  SessionClosedError,
  cleanUpMask,
  cropRgbImage,
  type Click,
  type ModelMetadata,
  type ObjectState,
  type RgbImage,
  type Roi,
} from '@simpleclick/core';
import { decodeImageBytes } from '@simpleclick/core/node';
import { buildCvatResult, type CvatInteractorResult } from './build-response';
import { orderClicks } from './click-order';
import { boxPixels } from './box-pixels';
import { findBestTrack, type ClickStep, type ClickTrack } from './click-track';
import { parseCvatInteractorRequest, type ParsedCvatRequest } from './cvat-request';
import { pointToClick } from './request-clicks';
import { decodeBase64Image, hashImageBytes } from './image-bytes';
import { resolveInteractorOptions, type CvatInteractorOptions, type ImageDecoder } from './interactor-options';
import { estimateStateBytes } from './state-bytes';

/** How a request was served. */
export type InteractionKind =
  /** Every click was known: the answer comes from a cached state, the model did not run. */
  | 'cached'
  /** All ordered clicks but the last were known: one run, from the cached state (a normal CVAT click). */
  | 'incremental'
  /** Several clicks ran, one by one in the replay order, after the longest known prefix (if any). */
  | 'replayed';

/** The answer to one request and how it was computed. */
export interface CvatInteraction {
  /** The body to send back to CVAT. */
  readonly result: CvatInteractorResult;
  /**
   * Every click of the answer, in the order the model saw them, in frame pixels (the box centre first when a box
   * was sent; points on the edge clamped into the frame).
   */
  readonly clicks: readonly Click[];
  /** How many leading clicks came with their state from the cache. */
  readonly reusedClicks: number;
  /** Model runs this request cost: one per click run now. */
  readonly modelRuns: number;
  readonly kind: InteractionKind;
  /** Whether the decoded frame came from the image cache. */
  readonly imageCacheHit: boolean;
  readonly imageWidthPx: number;
  readonly imageHeightPx: number;
  /** Milliseconds: the whole request, decoding the frame (0 on a cache hit), the predictor's runs. */
  readonly timing: { readonly totalMs: number; readonly decodeMs: number; readonly predictMs: number };
}

/** What the interactor keeps per frame besides its pixels: the click histories (most recently used first). */
interface ImageTracks {
  readonly tracks: readonly ClickTrack[];
}

/** Bytes counted per kept click besides its state. */
const STEP_OVERHEAD_BYTES = 64;

/**
 * SimpleClick as a CVAT interactor, transport aside: takes CVAT's request body (the frame as base64 and every
 * point so far, split into positives and negatives) and returns CVAT's answer (a mask cropped to its inclusive
 * bounds, and the outline as `points`).
 *
 * CVAT sends neither an object id nor the order in which the two lists interleave, and SimpleClick refines its
 * previous mask click by click. The answer is therefore defined by the request alone: the clicks run in the
 * replay order ({@link ReplayOrder}: by default one positive, one negative, ... each list in its own order), so
 * any instance, with or without caches, gives the same mask for the same request (several workers or replicas
 * stay consistent; a restart changes nothing). The caches only save work: per frame (keyed by the SHA-256 of the
 * encoded bytes) the interactor keeps the ordered clicks it ran with the state after each, and a request reuses
 * the longest kept prefix of its ordered clicks. A normal CVAT session, which asks after each click, then costs one
 * run per click whenever the new point comes last in the replay order (always when the user alternates signs or
 * adds positives; a positive placed after extra negatives re-runs those negatives).
 *
 * Requests run one at a time in arrival order (the predictor is single-stream). Bad requests are refused before
 * anything runs and change no state.
 *
 * ```ts
 * const interactor = await createCvatInteractorFromFile('models/simpleclick-xtiny-narrow-finetuned-384.onnx');
 * const { result } = await interactor.handle(JSON.parse(body)); // {mask, bounds, points}
 * ```
 */
export class CvatInteractor {
  /** The options in force, defaults filled in. */
  readonly options: CvatInteractorOptions;
  /** The predictor that runs the clicks. */
  readonly predictor: ClickPredictor;
  /** What the service reports about the model (from its metadata), when known. */
  readonly modelMetadata: ModelMetadata | undefined;
  /** The onnxruntime execution providers the model runs on (`['cpu']` after a CUDA fallback), when known. */
  readonly executionProviders: readonly string[] | undefined;

  readonly #images: ByteLruCache<string, RgbImage>;
  readonly #tracks: ByteLruCache<string, ImageTracks>;
  readonly #decodeImage: ImageDecoder;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    predictor: ClickPredictor,
    options: CvatInteractorOptions,
    modelMetadata: ModelMetadata | undefined,
    executionProviders: readonly string[] | undefined,
  ) {
    this.predictor = predictor;
    this.options = options;
    this.modelMetadata = modelMetadata;
    this.executionProviders = executionProviders;
    this.#images = new ByteLruCache(options.maxImageCacheBytes);
    this.#tracks = new ByteLruCache(options.maxStateCacheBytes);
    this.#decodeImage = options.decodeImage ?? ((bytes, maxPixels) => decodeImageBytes(bytes, { maxPixels }));
  }

  /**
   * An interactor over `predictor` (closed by {@link close} only with `ownsPredictor: true`).
   * @param modelMetadata - what `/health` reports about the model; see {@link createCvatInteractorFromFile}.
   * @param executionProviders - what `/health` reports as the providers the model runs on.
   * @throws InvalidArgumentError for bad options or a predictor that is not a ClickPredictor.
   */
  static async create(
    predictor: ClickPredictor,
    options: Partial<CvatInteractorOptions> = {},
    modelMetadata?: ModelMetadata,
    executionProviders?: readonly string[],
  ): Promise<CvatInteractor> {
    if (!(predictor instanceof ClickPredictor)) {
      throw new InvalidArgumentError('predictor must be a ClickPredictor of @simpleclick/core');
    }
    return new CvatInteractor(predictor, resolveInteractorOptions(options), modelMetadata, executionProviders);
  }

  /**
   * Answers one CVAT interactor request (the parsed JSON body).
   *
   * Rejects with InvalidFormatError (not a CVAT request, bad base64, too many points), InvalidArgumentError (bad
   * threshold), InvalidImageError (unreadable frame), ImageTooLargeError (over `maxPixels`), InvalidClickError (a
   * point or the box outside the frame), SessionClosedError after {@link close}, or the model's errors. On any
   * error the caches are as before.
   */
  handle(body: unknown): Promise<CvatInteraction> {
    let request: ParsedCvatRequest;
    let bytes: Uint8Array;
    try {
      this.#assertOpen();
      request = parseCvatInteractorRequest(body, this.options.maxPoints);
      bytes = decodeBase64Image(request.imageBase64);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(() => this.#handle(request, bytes));
  }

  /** Entries and bytes of the two caches. */
  get cacheStats(): { images: { entries: number; bytes: number }; states: { entries: number; bytes: number } } {
    return {
      images: { entries: this.#images.size, bytes: this.#images.totalBytes },
      states: { entries: this.#tracks.size, bytes: this.#tracks.totalBytes },
    };
  }

  /** Forgets every decoded frame and click history (the next request on a frame replays its clicks). */
  clearCaches(): void {
    this.#images.clear();
    this.#tracks.clear();
  }

  /** Waits for queued requests, drops the caches, and closes the predictor when it owns it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    this.clearCaches();
    if (this.options.ownsPredictor) await this.predictor.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessionClosedError('the interactor is closed');
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #handle(request: ParsedCvatRequest, bytes: Uint8Array): Promise<CvatInteraction> {
    this.#assertOpen();
    const startMs = performance.now();
    const key = hashImageBytes(bytes);
    let image = this.#images.get(key);
    const imageCacheHit = image !== undefined;
    if (image === undefined) {
      image = await this.#decodeImage(bytes, this.options.maxPixels);
      checkDecodedImage(image);
    }
    const decodeMs = performance.now() - startMs;
    const { ordered, box, crop } = orderedClicksOfRequest(request, image.width, image.height, this.options.replayOrder);
    // With a box the model sees a crop, so the states belong to that crop: it is part of the cache key.
    const scope = crop === null ? key : `${key}|${crop.colMin},${crop.rowMin},${crop.colMax},${crop.rowMax}`;
    const modelImage = crop === null ? image : cropRgbImage(image, crop);
    const modelClicks = crop === null ? ordered : clicksInCrop(ordered, crop);

    // The longest kept prefix of the ordered clicks, then the rest one by one.
    const kept = this.#tracks.get(scope)?.tracks ?? [];
    const match = findBestTrack(kept, modelClicks);
    const reused: ClickStep[] = match === undefined ? [] : kept[match.trackIndex].slice(0, match.reusedSteps);
    const predictStartMs = performance.now();
    const steps = [...reused];
    let state: ObjectState | undefined = reused.at(-1)?.state;
    for (let count = reused.length + 1; count <= modelClicks.length; count++) {
      state = (await this.predictor.predict(modelImage, modelClicks.slice(0, count), state)).state;
      steps.push({ click: modelClicks[count - 1], state });
    }
    const modelRuns = modelClicks.length - reused.length;
    const predictMs = performance.now() - predictStartMs;
    if (state === undefined) throw new InvalidClickError('the request has no click'); // parse guarantees one

    // Answer first, then commit: a failure leaves the caches untouched.
    const threshold = request.threshold ?? this.predictor.options.maskThreshold;
    let mask = state.toMask(threshold);
    if (this.options.cleanUp !== undefined) mask = cleanUpMask(mask, { ...this.options.cleanUp, clicks: modelClicks });
    if (crop !== null && box !== null) mask = pasteMask(mask, crop, image.width, image.height, box);
    const result = buildCvatResult(mask, ordered[ordered.length - 1], this.options);

    this.#images.set(key, image, image.data.byteLength);
    this.#keepTracks(scope, kept, match?.trackIndex, steps, modelRuns > 0);

    let kind: InteractionKind = 'replayed';
    if (modelRuns === 0) kind = 'cached';
    else if (modelRuns === 1 && reused.length > 0) kind = 'incremental';
    return {
      result,
      clicks: ordered,
      reusedClicks: reused.length,
      modelRuns,
      kind,
      imageCacheHit,
      imageWidthPx: image.width,
      imageHeightPx: image.height,
      timing: { totalMs: performance.now() - startMs, decodeMs, predictMs },
    };
  }

  /**
   * Makes the request's history the frame's most recently used track. Nothing ran: the matched track moves first.
   * The history extends the whole matched track: it replaces that track. It branched off inside the matched track
   * (or matched none): it is added and the matched track stays, so a later request can return to it.
   */
  #keepTracks(
    key: string,
    kept: readonly ClickTrack[],
    matchedIndex: number | undefined,
    steps: ClickTrack,
    ranNewClicks: boolean,
  ): void {
    const matched = matchedIndex === undefined ? undefined : kept[matchedIndex];
    const others = kept.filter((track) => track !== matched);
    // The new steps continue the matched track when they share its last step (the reused steps are its own objects).
    const extendsMatched =
      matched !== undefined && steps.length > matched.length && steps[matched.length - 1] === matched.at(-1);
    let tracks: ClickTrack[];
    if (!ranNewClicks && matched !== undefined) tracks = [matched, ...others];
    else if (extendsMatched || matched === undefined) tracks = [steps, ...others];
    else tracks = [steps, matched, ...others];
    tracks = tracks.slice(0, this.options.maxTracksPerImage);
    this.#tracks.set(key, { tracks }, tracksBytes(tracks));
  }
}

/**
 * The request's clicks in frame pixels, in the replay order (edge points clamped into the frame); with a box, its
 * centre click first, the box's pixels and the crop the model sees (core's box-crop helpers).
 */
function orderedClicksOfRequest(
  request: ParsedCvatRequest,
  widthPx: number,
  heightPx: number,
  replayOrder: CvatInteractorOptions['replayOrder'],
): { ordered: Click[]; box: Roi | null; crop: Roi | null } {
  const positives = request.positivePoints.map((point, i) =>
    pointToClick(point, true, widthPx, heightPx, `pos_points[${i}]`),
  );
  const negatives = request.negativePoints.map((point, i) =>
    pointToClick(point, false, widthPx, heightPx, `neg_points[${i}]`),
  );
  const ordered = orderClicks(positives, negatives, replayOrder);
  if (request.box === null) return { ordered, box: null, crop: null };
  const box = boxPixels(request.box, widthPx, heightPx);
  const withCentre = [boxCentreClick(box), ...ordered];
  return { ordered: withCentre, box, crop: boxCropRoi(box, withCentre, widthPx, heightPx) };
}

function checkDecodedImage(image: RgbImage): void {
  const valid =
    image !== null &&
    typeof image === 'object' &&
    image.data instanceof Uint8Array &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    image.data.length === image.width * image.height * 3;
  if (!valid) throw new InvalidImageError('the image decoder did not return an RGB image');
}

/** Bytes of a frame's tracks: each distinct state once (tracks share their leading states). */
function tracksBytes(tracks: readonly ClickTrack[]): number {
  const states = new Set<ObjectState>();
  let bytes = 0;
  for (const track of tracks) {
    for (const step of track) {
      bytes += STEP_OVERHEAD_BYTES;
      if (!states.has(step.state)) {
        states.add(step.state);
        bytes += estimateStateBytes(step.state);
      }
    }
  }
  return bytes;
}
