import {
  cleanUpMask,
  DEFAULT_BOX_CROP_OPTIONS,
  maskBoundingBox,
  type BinaryMask,
  type BoxCropOptions,
  type ClickPredictor,
  type Click,
  type ObjectState,
  type Roi,
} from '@simpleclick/core';
import { boxCentreClick, boxCropRoi, clicksInCrop, pasteMask } from '@simpleclick/core/internal';
import type { ImageStore, LoadedImage } from '../images/image-store';
import { ClickStateCache } from './click-state-cache';
import { DEFAULT_MASK_POST_PROCESSING, type MaskPostProcessing } from './mask-post-processing';

// The clean-up options live in their own module (the browser plugin uses them without this segmenter).
export { DEFAULT_MASK_POST_PROCESSING, type MaskPostProcessing };

/** Options of {@link InteractiveSegmenter}. */
export interface InteractiveSegmenterOptions {
  /** Bytes of predictor states kept for click-prefix reuse (default 256 MiB). */
  readonly stateCacheBytes: number;
  readonly boxCrop: BoxCropOptions;
  readonly postProcessing: MaskPostProcessing;
}

/** Defaults of {@link InteractiveSegmenterOptions}. */
export const DEFAULT_INTERACTIVE_SEGMENTER_OPTIONS: InteractiveSegmenterOptions = Object.freeze({
  stateCacheBytes: 256 * 1024 * 1024,
  boxCrop: DEFAULT_BOX_CROP_OPTIONS,
  postProcessing: DEFAULT_MASK_POST_PROCESSING,
});

/** One object to segment: the clicks so far (full-image pixels, in order) and the box, if any. */
export interface SegmentInput {
  readonly loaded: LoadedImage;
  readonly clicks: readonly Click[];
  /** Inclusive box in full-image pixels (used as core's box-crop helpers use it: a crop, a centre click and a clip). */
  readonly box?: Roi;
}

/** The mask of one object and how it was obtained. */
export interface SegmentOutput {
  /** Full image size, after post-processing. */
  readonly mask: BinaryMask;
  /** Mean model probability over the mask's pixels (0 for an empty mask). */
  readonly score: number;
  /** Clicks the model ran for this request (the others came from the state cache). */
  readonly modelRuns: number;
  /** Clicks the predictor saw (a box adds one at its centre). */
  readonly clickCount: number;
}

/** Scoring reads at most about this many probabilities (a regular subsample of the mask's bounding box). */
const MAX_SCORE_SAMPLES = 65_536;

/**
 * Turns the full click list of each Label Studio request into a mask, replaying the clicks through one
 * {@link ClickPredictor} but starting from the longest click prefix already seen for the same image and region
 * (see {@link ClickStateCache}): the usual request, one click more than the last, runs the model once. Requests
 * may overlap; the predictor runs their model calls one at a time, in arrival order.
 */
export class InteractiveSegmenter {
  readonly #predictor: ClickPredictor;
  readonly #images: ImageStore;
  readonly #options: InteractiveSegmenterOptions;
  readonly #states: ClickStateCache;

  constructor(predictor: ClickPredictor, images: ImageStore, options: Partial<InteractiveSegmenterOptions> = {}) {
    this.#predictor = predictor;
    this.#images = images;
    this.#options = { ...DEFAULT_INTERACTIVE_SEGMENTER_OPTIONS, ...options };
    this.#states = new ClickStateCache(this.#options.stateCacheBytes, predictor.netSizePx);
  }

  /** Bytes of cached predictor states. */
  get cachedStateBytes(): number {
    return this.#states.bytes;
  }

  /** Segments one object; rejects with the SDK's typed errors for clicks outside the image and the like. */
  async segment(input: SegmentInput): Promise<SegmentOutput> {
    const { loaded, box } = input;
    const { width, height } = loaded.image;
    const fullClicks = box === undefined ? [...input.clicks] : [boxCentreClick(box), ...input.clicks];
    const crop: Roi =
      box === undefined ? wholeImage(width, height) : boxCropRoi(box, fullClicks, width, height, this.#options.boxCrop);
    const image = this.#images.crop(loaded, crop);
    const clicks = clicksInCrop(fullClicks, crop);
    const scope = `${loaded.contentKey}|${crop.rowMin},${crop.rowMax},${crop.colMin},${crop.colMax}`;

    const cached = this.#states.longestPrefix(scope, clicks);
    let state: ObjectState | undefined = cached.state;
    let modelRuns = 0;
    for (let count = cached.clickCount + 1; count <= clicks.length; count++) {
      const result = await this.#predictor.predict(image, clicks.slice(0, count), state);
      state = result.state;
      modelRuns++;
      this.#states.set(scope, clicks, count, state);
    }
    if (state === undefined) throw new Error('segment needs at least one click'); // parse step guarantees one

    const rawMask = state.toMask(this.#predictor.options.maskThreshold);
    const score = meanProbabilityInside(rawMask, state);
    const { keepClickedComponents, fillHolesMaxAreaPx, removeIslandsMaxAreaPx } = this.#options.postProcessing;
    const cropMask = cleanUpMask(rawMask, {
      keep: keepClickedComponents ? 'clicked' : 'all',
      clicks,
      fillHolesMaxAreaPx,
      removeIslandsMaxAreaPx,
    });
    const mask = box === undefined ? cropMask : pasteMask(cropMask, crop, width, height, box);
    return { mask, score, modelRuns, clickCount: clicks.length };
  }
}

function wholeImage(width: number, height: number): Roi {
  return { rowMin: 0, rowMax: height - 1, colMin: 0, colMax: width - 1 };
}

/** Mean probability over the mask's pixels, from a regular subsample when the mask is large; 0 for an empty mask. */
function meanProbabilityInside(mask: BinaryMask, state: ObjectState): number {
  const box = maskBoundingBox(mask);
  if (box === null) return 0;
  const area = (box.colMax - box.colMin + 1) * (box.rowMax - box.rowMin + 1);
  const step = Math.max(1, Math.floor(Math.sqrt(area / MAX_SCORE_SAMPLES)));
  let sum = 0;
  let count = 0;
  for (let y = box.rowMin; y <= box.rowMax; y += step) {
    for (let x = box.colMin; x <= box.colMax; x += step) {
      if (mask.data[y * mask.width + x] === 0) continue;
      sum += state.probabilityAt(x, y);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
