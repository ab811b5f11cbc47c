import type { Click } from '../clicks/click';
import { drawClickDisks } from '../clicks/click-maps';
import { checkedClicks } from '../clicks/validate-clicks';
import {
  InvalidArgumentError,
  InvalidClickError,
  InvalidImageError,
  ModelContractError,
  NoPositiveClickError,
  SessionClosedError,
} from '../errors';
import type { FloatMap } from '../image/float-map';
import { composeAxisTaps, type ComposedAxisTaps } from '../image/composed-axis-taps';
import { resampleSeparable, SeparableScratch } from '../image/resample-separable';
import {
  computeLinearAxisWeights,
  planeWindow,
  resizeBilinearWindow,
  type FloatPlaneWindow,
  type LinearAxisWeights,
} from '../image/resize-bilinear';
import { resizeRgbRegionToPlanar } from '../image/resize-rgb-region';
import { resizeRgbRegionToPlanarFast } from '../image/resize-rgb-region-fast';
import { resizeBilinearSampled } from '../image/resize-sampled';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { SegmentationModel } from '../model/segmentation-model';
import type { ClickSegmenter } from './click-segmenter';
import { nowMs } from '../clock';
import { mapClicksToNet, mirrorNetClicks } from './net-click-mapping';
import { ObjectState } from './object-state';
import { LazyProbabilityMap, type PredictionResult } from './prediction-result';
import { resolvePredictorOptions, type PredictorOptions, type PredictorOptionsInput } from './predictor-options';
import { refineRoiProbabilities } from './refine-probabilities';
import type { Roi } from '../image/roi';
import { tableSigmoid } from './table-sigmoid';
import { candidateRoi, selectRoi, wholeImageRoi } from './zoom-in';

/**
 * Click in, mask out: the per-click predictor of SimpleClick (docs/per-click-algorithm.md) over any
 * {@link SegmentationModel}. With the `'parity'` preset it reproduces the official evaluation: same ROIs and
 * click maps bit for bit, the same crops as PyTorch's CPU resize, probabilities equal up to the model
 * runtime's own rounding.
 *
 * One predictor serves any number of objects and images: everything per object lives in the immutable
 * {@link ObjectState} that `predict` takes and returns. Calls are queued and run one at a time (the
 * predictor reuses its input buffers).
 *
 * Images are treated as immutable: the resized crop of the last image and ROI is reused when the next call
 * has the same `image.data` array and the same ROI, which saves most of the work of a refining click, and the
 * crop of the whole image (the ROI of every object's first click) is kept for the last image that needed it.
 * {@link prepareImage} computes that crop when an image is opened, before its first click.
 * Pass a new RgbImage (a new `data` array) when the pixels change; do not write into a `data` array in use.
 *
 * Probabilities are kept per object at the size of the ROI or, when the ROI has more pixels than the network
 * input, as the S x S network output, resized on demand (see {@link ObjectState}): the result's full-size
 * map is built only when `probabilities.data` is read.
 *
 * ```ts
 * const model = await createNodeModel('models/simpleclick-xtiny-narrow-finetuned-384.onnx');
 * const predictor = await ClickPredictor.create(model, { preset: 'parity' });
 * const first = await predictor.predict(image, [{ xPx: 120, yPx: 80, isPositive: true }]);
 * const second = await predictor.predict(image, [...clicks, next], first.state);
 * const mask = second.toMask();
 * ```
 */
export class ClickPredictor implements ClickSegmenter<ObjectState> {
  /** The options in force (preset merged with overrides). */
  readonly options: PredictorOptions;
  /** The network input size S, from the model's metadata. */
  readonly netSizePx: number;

  readonly #model: SegmentationModel;
  // Not readonly: released (replaced by empty arrays) on close.
  #imageInput: Float32Array;
  #clickMapsInput: Float32Array;
  #netProbabilities: Float32Array;
  /** What the image planes of the input buffer hold (batch 0, and its mirror with flip): the crop cache key. */
  #imageInputKey: {
    readonly data: Uint8Array;
    readonly width: number;
    readonly height: number;
    readonly roi: Roi;
  } | null = null;
  /**
   * The crop of the whole image (batch 0 planes) of the last image whose whole image was the ROI or that was
   * prepared ({@link prepareImage}): the first click of every object on an image uses it (official zoom-in), so
   * the second object's first click does not resize the image again. 3 x S x S floats.
   */
  #wholeImageCrop: {
    readonly data: Uint8Array;
    readonly width: number;
    readonly height: number;
    readonly planes: Float32Array;
  } | null = null;
  readonly #internal: ClickPredictorInternalOptions;
  #scratch = new Float32Array(0);
  /** Fast path (`exactArithmetic: false`): reused tables and buffers, so a click allocates only S-size arrays. */
  readonly #axisToNet = new Map<number, LinearAxisWeights>();
  #rowTaps: ComposedAxisTaps | undefined;
  #colTaps: ComposedAxisTaps | undefined;
  #separableScratch = new SeparableScratch();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(model: SegmentationModel, options: PredictorOptions, internal: ClickPredictorInternalOptions) {
    this.#model = model;
    this.options = options;
    this.#internal = { ...internal };
    this.netSizePx = model.metadata.inputSizePx;
    const batch = options.useFlip ? 2 : 1;
    const plane = this.netSizePx * this.netSizePx;
    this.#imageInput = new Float32Array(batch * 3 * plane);
    this.#clickMapsInput = new Float32Array(batch * 3 * plane);
    this.#netProbabilities = new Float32Array(plane);
  }

  /**
   * A predictor over `model` (which it then owns: {@link close} closes it).
   * Throws {@link InvalidArgumentError} for bad options, {@link ModelContractError} when the model's
   * metadata has no usable input size.
   *
   * @param internal - Not part of the public API: switches for benchmarks and tests.
   */
  static async create(
    model: SegmentationModel,
    options: PredictorOptionsInput = {},
    internal: ClickPredictorInternalOptions = {},
  ): Promise<ClickPredictor> {
    const resolved = resolvePredictorOptions(options);
    const sizePx = model?.metadata?.inputSizePx;
    if (!Number.isInteger(sizePx) || sizePx <= 0) {
      throw new ModelContractError(`model metadata has no valid input size (got ${String(sizePx)})`);
    }
    return new ClickPredictor(model, resolved, internal);
  }

  /**
   * Segments one object from all its clicks so far, in order (the last is the new one), refined by the state
   * the previous call returned for this object (omit it for the object's first click, or pass a state from
   * {@link stateFromMask} to start from an existing mask).
   *
   * Only negative clicks on an object with no mask yet (no positive click, and `previousState` empty or left
   * out) are refused with {@link NoPositiveClickError}: no click says which object is meant, and the model,
   * trained with a positive first click, would make one up. Negative clicks alone are fine on a state that has
   * a mask (one started from an imported mask with {@link stateFromMask}).
   *
   * Throws (rejects with) {@link InvalidImageError}, {@link InvalidClickError} (no clicks, non-finite or
   * outside the image; {@link NoPositiveClickError}, see above), {@link InvalidArgumentError} (a state of
   * another image size), {@link SessionClosedError} after {@link close}; nothing changes on error.
   */
  predict(image: RgbImage, clicks: readonly Click[], previousState?: ObjectState): Promise<PredictionResult> {
    try {
      this.#assertOpen();
      checkImage(image);
      // Checked and snapshot in one pass (the caller may change its array while the call waits in the queue);
      // clicks a session checked already come through as they are.
      const clickList = checkedClicks(clicks, image.width, image.height);
      if (clickList.length === 0) throw new InvalidClickError('predict needs at least one click');
      const state = previousState ?? ObjectState.empty(image.width, image.height);
      this.#checkState(state, image);
      if (state.isEmpty && !clickList.some((click) => click.isPositive)) throw new NoPositiveClickError();
      return this.#enqueue(() => this.#predict(image, clickList, state));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Does now the part of the first click on `image` that does not depend on clicks: the whole image is the ROI
   * of every object's first click (official zoom-in), so its crop is resized to S x S with PyTorch's arithmetic
   * (most of a first click's time outside the model on a large image; see packages/core/bench/README.md). Call
   * it when an image is opened, before the user clicks; `SegmentationSession.create` does. The first click then
   * reuses the crop, which is the very one it would compute, so results are the same bit for bit.
   *
   * Queued like {@link predict}. Idempotent: nothing to do when the crop of this `image.data` array is kept
   * already. The predictor keeps the crop of one image: preparing another image (or a first click on one)
   * replaces it.
   *
   * Throws (rejects with) {@link InvalidImageError}, {@link SessionClosedError} after {@link close}.
   */
  prepareImage(image: RgbImage): Promise<void> {
    try {
      this.#assertOpen();
      checkImage(image);
      return this.#enqueue(async () => {
        this.#assertOpen();
        // The eager path keeps no whole-image crop (the behaviour it stands for): its first click does the work.
        if (!this.#internal.eagerRoiProbabilities) this.#wholeImagePlanes(image);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The state before any click on an object of `image`. */
  emptyState(image: RgbImage): ObjectState {
    checkImage(image);
    return ObjectState.empty(image.width, image.height);
  }

  /**
   * A state whose previous probabilities are `probabilities` (full image size, values in [0, 1]) and which
   * has no ROI yet: the next click refines that mask. Throws {@link InvalidArgumentError} for a size that is
   * not the image's, {@link InvalidMaskError} for bad values.
   */
  stateFromProbabilities(image: RgbImage, probabilities: FloatMap): ObjectState {
    checkImage(image);
    if (probabilities.width !== image.width || probabilities.height !== image.height) {
      throw new InvalidArgumentError(
        `probabilities are ${probabilities.width} x ${probabilities.height}, the image is ${image.width} x ${image.height}`,
      );
    }
    return ObjectState.fromProbabilities(probabilities);
  }

  /** {@link stateFromProbabilities} for a binary mask (1 = object). */
  stateFromMask(image: RgbImage, mask: BinaryMask): ObjectState {
    checkImage(image);
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new InvalidArgumentError(
        `mask is ${mask.width} x ${mask.height}, the image is ${image.width} x ${image.height}`,
      );
    }
    return ObjectState.fromMask(mask);
  }

  /**
   * Forgets what the predictor caches for `image` (its resized crop, which keeps a reference to the pixels), so
   * the image can be garbage collected while the predictor lives on. Results do not change: a later call on
   * the image recomputes the crop. A running call finishes with the crop it has. `SegmentationSession.close`
   * calls it for a predictor it does not own.
   */
  releaseImage(image: RgbImage): void {
    const data = image?.data;
    if (this.#wholeImageCrop?.data === data) this.#wholeImageCrop = null;
    if (this.#imageInputKey?.data === data) this.#imageInputKey = null;
  }

  /**
   * Waits for queued calls, then closes the model and releases the predictor's buffers and caches (the image
   * crop keeps a reference to the last image's pixels). Idempotent; `predict` rejects afterwards.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    this.#imageInputKey = null;
    this.#wholeImageCrop = null;
    this.#scratch = new Float32Array(0);
    this.#separableScratch = new SeparableScratch();
    this.#rowTaps = undefined;
    this.#colTaps = undefined;
    this.#axisToNet.clear();
    this.#imageInput = new Float32Array(0);
    this.#clickMapsInput = new Float32Array(0);
    this.#netProbabilities = new Float32Array(0);
    await this.#model.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessionClosedError('the predictor is closed');
  }

  #checkState(state: ObjectState, image: RgbImage): void {
    if (!(state instanceof ObjectState)) {
      throw new InvalidArgumentError('previousState must be an ObjectState returned by this SDK');
    }
    if (state.imageWidthPx !== image.width || state.imageHeightPx !== image.height) {
      throw new InvalidArgumentError(
        `the state belongs to a ${state.imageWidthPx} x ${state.imageHeightPx} image, this one is ${image.width} x ${image.height}`,
      );
    }
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #predict(image: RgbImage, clicks: readonly Click[], state: ObjectState): Promise<PredictionResult> {
    this.#assertOpen();
    const startMs = nowMs();
    const { useFlip, zoomIn, clickRadiusPx, maskThreshold } = this.options;
    const exact = this.options.exactArithmetic !== false;
    const size = this.netSizePx;
    const plane = size * size;
    const batch = useFlip ? 2 : 1;

    // 1. Zoom-in ROI (official ZoomIn with skip_clicks = -1).
    const foreground = state.foregroundBox(zoomIn.probabilityThreshold);
    const candidate = candidateRoi(foreground, clicks, image.width, image.height, zoomIn);
    const roi = selectRoi(state.roi, candidate, clicks, zoomIn);
    const roiWidth = roi.colMax - roi.colMin + 1;
    const roiHeight = roi.rowMax - roi.rowMin + 1;

    // 2. Crop image and previous probabilities to the ROI, resize both to S x S. PyTorch resizes them as one
    //    4-channel view, so both use its generic kernel.
    const imageInput = this.#imageInput;
    const clickMaps = this.#clickMapsInput;
    // The image crop is the same as last time when the image and the ROI are (the ROI is often kept from
    // click to click): then the planes already in the buffer are reused.
    const key = this.#imageInputKey;
    const imagePlanesReady =
      key !== null &&
      key.data === image.data &&
      key.width === image.width &&
      key.height === image.height &&
      sameRoi(key.roi, roi);
    this.#imageInputKey = null; // until the planes below are complete
    if (!imagePlanesReady) this.#resizeImage(image, roi);
    const previousTarget = planeWindow(clickMaps, size, size, 0);
    if (!exact) {
      // Fast path: the previous probabilities, cropped to the ROI and resized to S x S, in one separable pass
      // over what the state keeps (at most S x S values), never at ROI size.
      const written = this.#previousProbabilitiesFast(state, roi, previousTarget);
      clickMaps.fill(0, written ? plane : 0);
    } else if (state.resizedRegionProbabilities !== null) {
      clickMaps.fill(0);
      // Kept at network resolution: evaluate the previous probabilities only where this resize reads them.
      resizeBilinearSampled(
        roiWidth,
        roiHeight,
        (rows, cols, out) => state.sampleRoi(roi, rows, cols, out),
        previousTarget,
        true,
        'generic',
        (length) => this.#scratchOfSize(length),
      );
    } else {
      clickMaps.fill(0);
      const previous = state.roiWindow(roi, (length) => this.#scratchOfSize(length));
      if (previous !== null) {
        resizeBilinearWindow(
          previous,
          previousTarget,
          true,
          'generic',
          computeLinearAxisWeights(roiHeight, size, true),
          computeLinearAxisWeights(roiWidth, size, true),
        );
      }
    }

    // 3. Click disks at network resolution; with flip, the mirrored crop gets disks from mirrored coordinates.
    const netClicks = mapClicksToNet(clicks, roi, size);
    drawClickDisks(netClicks, size, clickMaps, plane, 2 * plane, clickRadiusPx);
    if (useFlip) {
      if (!imagePlanesReady) mirrorPlanes(imageInput, 0, 3 * plane, 3, size);
      mirrorPlanes(clickMaps, 0, 3 * plane, 1, size);
      drawClickDisks(mirrorNetClicks(netClicks, size), size, clickMaps, 4 * plane, 5 * plane, clickRadiusPx);
    }

    this.#imageInputKey = { data: image.data, width: image.width, height: image.height, roi };

    // 4. The network.
    const modelStartMs = nowMs();
    const output = await this.#model.run({
      batchSize: batch,
      sizePx: size,
      image: imageInput.subarray(0, batch * 3 * plane),
      clickMaps: clickMaps.subarray(0, batch * 3 * plane),
    });
    const modelEndMs = nowMs();
    const logits = output.logits;
    if (!(logits instanceof Float32Array) || logits.length !== batch * plane) {
      throw new ModelContractError(
        `model returned ${logits?.length ?? 'no'} logits, expected ${batch * plane} ([${batch}, 1, ${size}, ${size}])`,
      );
    }

    // 5. Flip averaging 0.5 * (l0 + mirror(l1)) and sigmoid, in float32.
    // 6. Back to ROI size (PyTorch resizes the contiguous 1-channel map with its channels-last kernel) and pasted
    //    into zeros. The state stands for that map with whichever is smaller: the ROI's values, or the S x S
    //    probabilities, resized on demand (a 2-megapixel ROI is never built unless someone asks for it).
    let newState: ObjectState;
    let refinementMs = 0;
    // The fast path differs only in the sigmoid (a table instead of Math.exp rounded step by step).
    const toProbabilities = (target: Float32Array) =>
      exact
        ? logitsToProbabilities(logits, target, size, useFlip)
        : tableSigmoid(logits, target, plane, size, useFlip ? plane : null);
    // Boundary refinement works on the ROI-size map at full image resolution, so it always builds that map.
    const configured = this.options.boundaryRefinement;
    const refinement =
      configured && roiWidth * roiHeight <= (configured.maxRoiPixels ?? Number.POSITIVE_INFINITY)
        ? configured
        : undefined;
    if (roiWidth * roiHeight > plane && !(exact && this.#internal.eagerRoiProbabilities) && !refinement) {
      const probabilities = new Float32Array(plane); // owned by the state from now on
      toProbabilities(probabilities);
      newState = ObjectState.fromNetProbabilities(image.width, image.height, roi, {
        width: size,
        height: size,
        data: probabilities,
      });
    } else {
      const probabilities = this.#netProbabilities;
      toProbabilities(probabilities);
      const roiProbabilities = new Float32Array(roiWidth * roiHeight);
      resizeBilinearWindow(
        planeWindow(probabilities, size, size),
        planeWindow(roiProbabilities, roiWidth, roiHeight),
        true,
        'channels-last',
      );
      if (refinement) {
        const refineStartMs = nowMs();
        refineRoiProbabilities(image, roi, roiProbabilities, refinement, clicks, maskThreshold);
        refinementMs = nowMs() - refineStartMs;
      }
      newState = ObjectState.fromPrediction(image.width, image.height, roi, roiProbabilities);
    }
    const endMs = nowMs();

    return {
      state: newState,
      roi: newState.roi as Roi,
      probabilities: new LazyProbabilityMap(newState),
      toMask: (threshold: number = maskThreshold, into?: BinaryMask) => newState.toMask(threshold, into),
      timing: {
        totalMs: endMs - startMs,
        modelMs: modelEndMs - modelStartMs,
        preprocessMs: modelStartMs - startMs,
        postprocessMs: endMs - modelEndMs,
        refinementMs,
      },
    };
  }

  /** Batch 0's image planes: the crop of `roi` resized to S x S, from the whole-image cache when it has it. */
  #resizeImage(image: RgbImage, roi: Roi): void {
    const wholeImage =
      roi.rowMin === 0 && roi.colMin === 0 && roi.rowMax === image.height - 1 && roi.colMax === image.width - 1;
    if (!wholeImage || this.#internal.eagerRoiProbabilities) {
      this.#resizeCrop(image, roi, this.#imageInput);
      return;
    }
    this.#imageInput.set(this.#wholeImagePlanes(image));
  }

  /** The crop of `roi` resized to S x S into the first three planes of `target`, exact or fast per the options. */
  #resizeCrop(image: RgbImage, roi: Roi, target: Float32Array): void {
    const size = this.netSizePx;
    if (this.options.exactArithmetic !== false) {
      resizeRgbRegionToPlanar(image, roi, target, 0, size, size);
      return;
    }
    const rows = this.#axisTableToNet(roi.rowMax - roi.rowMin + 1);
    const cols = this.#axisTableToNet(roi.colMax - roi.colMin + 1);
    resizeRgbRegionToPlanarFast(image, roi, target, 0, size, size, rows, cols);
  }

  /**
   * Fast path: writes the state's probabilities, cropped to `roi` and resized to S x S (align_corners), into
   * `target`, as one separable resampling of the values the state keeps (its S x S network probabilities, or
   * its region's values), folding the state's own resize to its ROI into the taps. Returns false, writing
   * nothing, when the state's probabilities are all zero.
   */
  #previousProbabilitiesFast(state: ObjectState, roi: Roi, target: FloatPlaneWindow): boolean {
    const region = state.probabilityRegion;
    if (region === null) return false;
    const regionWidth = region.colMax - region.colMin + 1;
    const regionHeight = region.rowMax - region.rowMin + 1;
    const rowsToNet = this.#axisTableToNet(roi.rowMax - roi.rowMin + 1);
    const colsToNet = this.#axisTableToNet(roi.colMax - roi.colMin + 1);
    const resized = state.resizedRegionProbabilities;
    let source: FloatPlaneWindow;
    let innerRows: LinearAxisWeights | null = null;
    let innerCols: LinearAxisWeights | null = null;
    if (resized !== null) {
      source = planeWindow(resized.source.data, resized.source.width, resized.source.height);
      ({ rows: innerRows, cols: innerCols } = resized.axisTables());
    } else {
      source = planeWindow(state.regionProbabilities as Float32Array, regionWidth, regionHeight);
    }
    this.#rowTaps = composeAxisTaps(rowsToNet, roi.rowMin - region.rowMin, regionHeight, innerRows, this.#rowTaps);
    this.#colTaps = composeAxisTaps(colsToNet, roi.colMin - region.colMin, regionWidth, innerCols, this.#colTaps);
    resampleSeparable(source, this.#rowTaps, this.#colTaps, target, this.#separableScratch);
    return true;
  }

  /** `computeLinearAxisWeights(sizePx, S, true)`, kept for the last few sizes (ROIs are often kept). */
  #axisTableToNet(sizePx: number): LinearAxisWeights {
    let table = this.#axisToNet.get(sizePx);
    if (table === undefined) {
      table = computeLinearAxisWeights(sizePx, this.netSizePx, true);
      if (this.#axisToNet.size >= 8) this.#axisToNet.delete(this.#axisToNet.keys().next().value as number);
      this.#axisToNet.set(sizePx, table);
    }
    return table;
  }

  /** The crop of the whole image resized to S x S (3 planes), kept for the last image asked for. */
  #wholeImagePlanes(image: RgbImage): Float32Array {
    const cached = this.#wholeImageCrop;
    if (
      cached !== null &&
      cached.data === image.data &&
      cached.width === image.width &&
      cached.height === image.height
    ) {
      return cached.planes;
    }
    const size = this.netSizePx;
    const planes = cached?.planes ?? new Float32Array(3 * size * size);
    this.#wholeImageCrop = null; // until `planes` hold this image's crop
    this.#resizeCrop(image, wholeImageRoi(image.width, image.height), planes);
    this.#wholeImageCrop = { data: image.data, width: image.width, height: image.height, planes };
    return planes;
  }

  #scratchOfSize(length: number): Float32Array {
    if (this.#scratch.length < length) this.#scratch = new Float32Array(length);
    return this.#scratch;
  }
}

/**
 * Switches of {@link ClickPredictor.create} that are not part of the public API.
 * @internal
 */
export interface ClickPredictorInternalOptions {
  /**
   * Keep every prediction as its ROI-size probabilities, built right after the model runs, whatever the ROI's
   * size, and keep no whole-image crop (the predictor's behaviour before states kept S x S probabilities for
   * large ROIs). Same results; for comparing the two in benchmarks and tests.
   */
  readonly eagerRoiProbabilities?: boolean;
}

function sameRoi(a: Roi, b: Roi): boolean {
  return a.rowMin === b.rowMin && a.rowMax === b.rowMax && a.colMin === b.colMin && a.colMax === b.colMax;
}

function checkImage(image: RgbImage): void {
  if (image === null || typeof image !== 'object' || !(image.data instanceof Uint8Array)) {
    throw new InvalidImageError('image must be an RgbImage {width, height, data: Uint8Array}');
  }
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidImageError(`image size must be positive integers, got ${width} x ${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new InvalidImageError(
      `RGB buffer has ${data.length} bytes, expected ${width * height * 3} for ${width} x ${height}`,
    );
  }
}

/**
 * Copies `planeCount` S x S planes from `sourceOffset` to `targetOffset`, each mirrored left-right
 * (`torch.flip(x, dims=[3])`).
 */
function mirrorPlanes(
  data: Float32Array,
  sourceOffset: number,
  targetOffset: number,
  planeCount: number,
  size: number,
): void {
  for (let planeIndex = 0; planeIndex < planeCount; planeIndex++) {
    const from = sourceOffset + planeIndex * size * size;
    const to = targetOffset + planeIndex * size * size;
    for (let row = 0; row < size; row++) {
      const sourceRow = from + row * size;
      const targetRowEnd = to + row * size + size - 1;
      for (let col = 0; col < size; col++) data[targetRowEnd - col] = data[sourceRow + col];
    }
  }
}

/**
 * `sigmoid(l0)` or, with flip, `sigmoid(0.5 * (l0 + mirror(l1)))`, each step rounded to float32 as PyTorch
 * computes it on float32 tensors (sigmoid as `1 / (1 + exp(-x))`).
 */
function logitsToProbabilities(logits: Float32Array, target: Float32Array, size: number, useFlip: boolean): void {
  const fround = Math.fround;
  const plane = size * size;
  if (!useFlip) {
    for (let i = 0; i < plane; i++) target[i] = fround(1 / fround(1 + fround(Math.exp(-logits[i]))));
    return;
  }
  for (let row = 0; row < size; row++) {
    const rowStart = row * size;
    const mirroredRowEnd = plane + rowStart + size - 1;
    for (let col = 0; col < size; col++) {
      const average = fround(0.5 * fround(logits[rowStart + col] + logits[mirroredRowEnd - col]));
      target[rowStart + col] = fround(1 / fround(1 + fround(Math.exp(-average))));
    }
  }
}
