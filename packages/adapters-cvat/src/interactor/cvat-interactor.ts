import {
  ByteLruCache,
  ClickPredictor,
  InvalidArgumentError,
  InvalidClickError,
  InvalidImageError,
  SessionClosedError,
  cleanUpMask,
  type BinaryMask,
  type Click,
  type ModelMetadata,
  type ObjectState,
  type RgbImage,
} from '@simpleclick/core';
import { decodeImageBytes } from '@simpleclick/core/node';
import { buildCvatResult, type CvatInteractorResult } from './build-response';
import { orderClicks } from './click-order';
import { findBestTrack, type ClickStep, type ClickTrack } from './click-track';
import { parseCvatInteractorRequest, type CvatBox, type CvatPoint, type ParsedCvatRequest } from './cvat-request';
import { decodeBase64Image, hashImageBytes } from './image-bytes';
import { resolveInteractorOptions, type CvatInteractorOptions, type ImageDecoder } from './interactor-options';
import { estimateStateBytes } from './state-bytes';

/** How a request was served. */
export type InteractionKind =
  /** Every click was known: the answer comes from a cached state, the model did not run. */
  | 'cached'
  /** The request extends a known click history by exactly one point: that point is the new click, one run. */
  | 'incremental'
  /** Several clicks of unknown order: they ran one by one in the replay order (after any known leading clicks). */
  | 'replayed';

/** The answer to one request and how it was computed. */
export interface CvatInteraction {
  /** The body to send back to CVAT. */
  readonly result: CvatInteractorResult;
  /** Every click of the answer, in the order the model saw them (the box centre first when a box was sent). */
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
 * CVAT sends neither an object id nor the order of the clicks, but SimpleClick refines its previous mask click by
 * click, so the order matters. The interactor keeps, per frame (keyed by the SHA-256 of the encoded bytes), the
 * clicks it ran and the state after each:
 * - a request whose lists extend a kept history by exactly one point runs the model once, from the cached state:
 *   that point is the new click (this is every request of a normal CVAT session, which asks after each click);
 * - a request that equals a kept history or one of its prefixes (points removed from the end) runs nothing;
 * - otherwise the longest kept history consistent with the request is reused and the remaining points run one by
 *   one in the documented replay order ({@link ReplayOrder}): after a restart, a cache eviction, or when CVAT
 *   skipped requests (it sends only the latest points while a request is running).
 * The answer is a function of the click order only: a replay in the same order gives the same mask as the clicks
 * sent one at a time.
 *
 * Requests run one at a time in arrival order (the predictor is single-stream). Bad requests are refused before
 * anything runs and change no state.
 *
 * ```ts
 * const interactor = await createCvatInteractorFromFile('models/simpleclick-xtiny-narrow-scratch-256.onnx');
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

  readonly #images: ByteLruCache<string, RgbImage>;
  readonly #tracks: ByteLruCache<string, ImageTracks>;
  readonly #decodeImage: ImageDecoder;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    predictor: ClickPredictor,
    options: CvatInteractorOptions,
    modelMetadata: ModelMetadata | undefined,
  ) {
    this.predictor = predictor;
    this.options = options;
    this.modelMetadata = modelMetadata;
    this.#images = new ByteLruCache(options.maxImageCacheBytes);
    this.#tracks = new ByteLruCache(options.maxStateCacheBytes);
    this.#decodeImage = options.decodeImage ?? ((bytes, maxPixels) => decodeImageBytes(bytes, { maxPixels }));
  }

  /**
   * An interactor over `predictor` (closed by {@link close} only with `ownsPredictor: true`).
   * @param modelMetadata - what `/health` reports about the model; see {@link createCvatInteractorFromFile}.
   * @throws InvalidArgumentError for bad options or a predictor that is not a ClickPredictor.
   */
  static async create(
    predictor: ClickPredictor,
    options: Partial<CvatInteractorOptions> = {},
    modelMetadata?: ModelMetadata,
  ): Promise<CvatInteractor> {
    if (!(predictor instanceof ClickPredictor)) {
      throw new InvalidArgumentError('predictor must be a ClickPredictor of @simpleclick/core');
    }
    return new CvatInteractor(predictor, resolveInteractorOptions(options), modelMetadata);
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
    const { positives, negatives, boxPx } = clicksOfRequest(request, image.width, image.height);

    // The longest kept history the request agrees with, then the remaining points in the replay order.
    const kept = this.#tracks.get(key)?.tracks ?? [];
    const match = findBestTrack(kept, positives, negatives);
    const reused: ClickStep[] = match === undefined ? [] : kept[match.trackIndex].slice(0, match.reusedSteps);
    const newClicks = orderClicks(
      positives.slice(match?.positivesUsed ?? 0),
      negatives.slice(match?.negativesUsed ?? 0),
      this.options.replayOrder,
    );
    const predictStartMs = performance.now();
    const steps = [...reused];
    const clicks = reused.map((step) => step.click);
    let state: ObjectState | undefined = reused.at(-1)?.state;
    for (const click of newClicks) {
      clicks.push(click);
      state = (await this.predictor.predict(image, clicks, state)).state;
      steps.push({ click, state });
    }
    const predictMs = performance.now() - predictStartMs;
    if (state === undefined) throw new InvalidClickError('the request has no click'); // parse guarantees one

    // Answer first, then commit: a failure leaves the caches untouched.
    const threshold = request.threshold ?? this.predictor.options.maskThreshold;
    let mask = state.toMask(threshold);
    if (boxPx !== null) mask = clipMaskToBox(mask, boxPx);
    if (this.options.cleanUp !== undefined) mask = cleanUpMask(mask, { ...this.options.cleanUp, clicks });
    const result = buildCvatResult(mask, clicks[clicks.length - 1], this.options);

    this.#images.set(key, image, image.data.byteLength);
    this.#keepTracks(key, kept, match?.trackIndex, steps, newClicks.length > 0);

    let kind: InteractionKind = 'replayed';
    if (newClicks.length === 0) kind = 'cached';
    else if (newClicks.length === 1 && reused.length > 0) kind = 'incremental';
    return {
      result,
      clicks,
      reusedClicks: reused.length,
      modelRuns: newClicks.length,
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

/** Clicks of the request in image pixels, each list in its order; a box adds its centre as the first positive. */
function clicksOfRequest(
  request: ParsedCvatRequest,
  widthPx: number,
  heightPx: number,
): { positives: Click[]; negatives: Click[]; boxPx: PixelBox | null } {
  const toClick = (point: CvatPoint, isPositive: boolean, name: string): Click => {
    const [xPx, yPx] = point;
    if (!(xPx >= 0 && xPx < widthPx && yPx >= 0 && yPx < heightPx)) {
      throw new InvalidClickError(`${name} (x=${xPx}, y=${yPx}) is outside the ${widthPx} x ${heightPx} image`);
    }
    return { xPx, yPx, isPositive };
  };
  const positives = request.positivePoints.map((point, i) => toClick(point, true, `pos_points[${i}]`));
  const negatives = request.negativePoints.map((point, i) => toClick(point, false, `neg_points[${i}]`));
  let boxPx: PixelBox | null = null;
  if (request.box !== null) {
    boxPx = pixelBox(request.box, widthPx, heightPx);
    positives.unshift({ xPx: boxPx.centerXPx, yPx: boxPx.centerYPx, isPositive: true });
  }
  return { positives, negatives, boxPx };
}

/** The pixels a box covers (pixel-corner frame: `[x1, x2)` covers columns floor(x1) .. ceil(x2) - 1) and its centre. */
interface PixelBox {
  readonly colMin: number;
  readonly colMax: number;
  readonly rowMin: number;
  readonly rowMax: number;
  readonly centerXPx: number;
  readonly centerYPx: number;
}

function pixelBox(box: CvatBox, widthPx: number, heightPx: number): PixelBox {
  if (!(box.x2Px > 0 && box.x1Px < widthPx && box.y2Px > 0 && box.y1Px < heightPx)) {
    throw new InvalidClickError(
      `obj_bbox [${box.x1Px}, ${box.y1Px}, ${box.x2Px}, ${box.y2Px}] does not overlap the ${widthPx} x ${heightPx} image`,
    );
  }
  const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
  const x1 = clamp(box.x1Px, widthPx);
  const x2 = clamp(box.x2Px, widthPx);
  const y1 = clamp(box.y1Px, heightPx);
  const y2 = clamp(box.y2Px, heightPx);
  const colMin = Math.min(widthPx - 1, Math.floor(x1));
  const rowMin = Math.min(heightPx - 1, Math.floor(y1));
  return {
    colMin,
    rowMin,
    colMax: Math.max(colMin, Math.ceil(x2) - 1),
    rowMax: Math.max(rowMin, Math.ceil(y2) - 1),
    centerXPx: (x1 + x2) / 2,
    centerYPx: (y1 + y2) / 2,
  };
}

/** A copy of `mask` with every pixel outside the box cleared. */
function clipMaskToBox(mask: BinaryMask, box: PixelBox): BinaryMask {
  const data = new Uint8Array(mask.data.length);
  for (let row = box.rowMin; row <= box.rowMax; row++) {
    const from = row * mask.width + box.colMin;
    data.set(mask.data.subarray(from, row * mask.width + box.colMax + 1), from);
  }
  return { width: mask.width, height: mask.height, data };
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
