import { InvalidArgumentError } from '../errors';
import { CLICK_DISK_RADIUS_PX } from '../clicks/click-maps';
import { DEFAULT_MASK_THRESHOLD } from '../mask/threshold-probabilities';
import type { BoundaryRefinementOptions } from './refine-probabilities';
import { DEFAULT_ZOOM_IN_OPTIONS, type ZoomInOptions } from './zoom-in';

/** How {@link ClickPredictor} turns clicks into a mask. */
export interface PredictorOptions {
  /**
   * Horizontal-flip averaging: run the crop and its mirror as a batch of 2 and average the logits (official
   * evaluation: on). Doubles the model time for a small accuracy gain.
   */
  readonly useFlip: boolean;
  /** A pixel is object when its probability is above this (compared in float32; official 0.49). */
  readonly maskThreshold: number;
  /** Radius of the click disks at network resolution (official 5). */
  readonly clickRadiusPx: number;
  /** Zoom-in rules (official values by default). */
  readonly zoomIn: ZoomInOptions;
  /**
   * Reproduce PyTorch's float32 arithmetic bit for bit (crop resize with emulated fused multiply-adds, the
   * channels-last resize back to the ROI, the sigmoid rounded step by step): what the parity preset needs to
   * match the reference. `false` (interactive preset) takes the fast path: the image crop resized in plain
   * float arithmetic, the previous probabilities cropped and resized in one separable pass over the values the
   * state keeps (never at ROI size), and a table sigmoid; states are kept as on the exact path (ROI values up to
   * S x S pixels, else the S x S probabilities), and masks and zoom-in boxes are exact thresholds of them. Its
   * masks stay within 1e-3 IoU of the exact path's (tested with the default model, predictor/fast-path.test.ts).
   * Optional in objects built by hand: a missing value means `true`.
   */
  readonly exactArithmetic?: boolean;
  /**
   * Edge-aware refinement of the probability map: a guided filter driven by the image, at full resolution
   * inside the zoom-in crop, before the threshold (predictor/refine-probabilities.ts). The refined map is what
   * the state keeps (so it is also the next click's previous mask). On in the interactive preset, never in the
   * parity preset (the official predictor); a missing value means off. See the training README, "Resolution
   * and boundary refinement", for what it does to NoC.
   */
  readonly boundaryRefinement?: BoundaryRefinementOptions;
}

/** Names of the built-in option sets. */
export type PredictorPreset = 'parity' | 'interactive';

/**
 * The official SimpleClick evaluation, literally (docs/per-click-algorithm.md): flip averaging on, threshold 0.49,
 * disks of radius 5, zoom-in 1.4 / 200 / 0.5. Use it to reproduce published numbers.
 */
export const PARITY_PREDICTOR_OPTIONS: PredictorOptions = Object.freeze({
  useFlip: true,
  maskThreshold: DEFAULT_MASK_THRESHOLD,
  clickRadiusPx: CLICK_DISK_RADIUS_PX,
  zoomIn: DEFAULT_ZOOM_IN_OPTIONS,
  exactArithmetic: true,
});

/**
 * The settings `boundaryRefinement: true` stands for: colour guide, radius 12 px, eps 1e-4, the best of 28
 * settings on the tuning split (the first 10 GrabCut objects, interactive preset), computed as the fast guided
 * filter with 2 x 2 subsampling (about half the cost of the full-resolution filter, the same NoC within noise;
 * python/simpleclick/training/README.md, "Resolution and boundary refinement").
 */
export const DEFAULT_BOUNDARY_REFINEMENT: BoundaryRefinementOptions = Object.freeze({
  radiusPx: 12,
  eps: 1e-4,
  guide: 'rgb',
  subsample: 2,
  // 4 MB per kept state; every GrabCut and Berkeley image (at most 0.31 MP) is below it.
  maxRoiPixels: 1 << 20,
});

/**
 * For people clicking, on a CPU: the parity pipeline without flip averaging, on the fast arithmetic path
 * (`exactArithmetic: false`), with boundary refinement on ({@link DEFAULT_BOUNDARY_REFINEMENT}). Flip runs a batch
 * of 2, which took 1.7 to 2.1 times the model time of batch 1 with onnxruntime-node and -web on the 2-core
 * development machine (packages/core/bench/README.md) for about 0.4 click. Refinement cost about 10-20 ms of CPU
 * per click and saved 1.3 (GrabCut) and 1.6 (Berkeley) clicks at 90 % IoU with the default model
 * (docs/per-click-algorithm.md); `boundaryRefinement: false` turns it off. The click encoding, zoom-in and
 * thresholds stay the official ones.
 */
export const INTERACTIVE_PREDICTOR_OPTIONS: PredictorOptions = Object.freeze({
  ...PARITY_PREDICTOR_OPTIONS,
  useFlip: false,
  exactArithmetic: false,
  boundaryRefinement: DEFAULT_BOUNDARY_REFINEMENT,
});

/** The defaults of {@link ClickPredictor.create}: the interactive preset. */
export const DEFAULT_PREDICTOR_OPTIONS: PredictorOptions = INTERACTIVE_PREDICTOR_OPTIONS;

/** What {@link ClickPredictor.create} accepts: a preset name and/or single options overriding it. */
export interface PredictorOptionsInput {
  /** Start from this preset (default `'interactive'`). */
  readonly preset?: PredictorPreset;
  readonly useFlip?: boolean;
  readonly maskThreshold?: number;
  readonly clickRadiusPx?: number;
  readonly zoomIn?: Partial<ZoomInOptions>;
  readonly exactArithmetic?: boolean;
  /**
   * Boundary refinement: `true` turns it on with `DEFAULT_BOUNDARY_REFINEMENT`, an object on with those
   * values overridden, `false` turns it off.
   */
  readonly boundaryRefinement?: boolean | Partial<BoundaryRefinementOptions>;
}

/** Merges `input` over its preset and checks every value. Throws {@link InvalidArgumentError}. */
export function resolvePredictorOptions(input: PredictorOptionsInput = {}): PredictorOptions {
  const preset = input.preset ?? 'interactive';
  if (preset !== 'parity' && preset !== 'interactive') {
    throw new InvalidArgumentError(`unknown predictor preset "${String(preset)}" (use "parity" or "interactive")`);
  }
  const base = preset === 'parity' ? PARITY_PREDICTOR_OPTIONS : INTERACTIVE_PREDICTOR_OPTIONS;
  const options: PredictorOptions = {
    useFlip: input.useFlip ?? base.useFlip,
    maskThreshold: input.maskThreshold ?? base.maskThreshold,
    clickRadiusPx: input.clickRadiusPx ?? base.clickRadiusPx,
    zoomIn: { ...base.zoomIn, ...input.zoomIn },
    exactArithmetic: input.exactArithmetic ?? base.exactArithmetic ?? true,
  };
  if (typeof options.useFlip !== 'boolean') throw new InvalidArgumentError('useFlip must be a boolean');
  if (typeof options.exactArithmetic !== 'boolean') throw new InvalidArgumentError('exactArithmetic must be a boolean');
  checkRange('maskThreshold', options.maskThreshold, 0, 1);
  checkRange('clickRadiusPx', options.clickRadiusPx, 0, 1000);
  const zoom = options.zoomIn;
  checkRange('zoomIn.expansionRatio', zoom.expansionRatio, 1e-3, 1000);
  checkRange('zoomIn.minCropSizePx', zoom.minCropSizePx, 0, 1e9);
  checkRange('zoomIn.recomputeIouThreshold', zoom.recomputeIouThreshold, 0, 1);
  checkRange('zoomIn.probabilityThreshold', zoom.probabilityThreshold, 0, 1);
  const refinement = resolveBoundaryRefinement(input.boundaryRefinement ?? base.boundaryRefinement ?? false);
  // Left out when off, so options without it read the same as before the option existed.
  return Object.freeze({
    ...options,
    zoomIn: Object.freeze(zoom),
    ...(refinement === null ? {} : { boundaryRefinement: refinement }),
  });
}

function resolveBoundaryRefinement(
  value: boolean | Partial<BoundaryRefinementOptions>,
): BoundaryRefinementOptions | null {
  if (value === false) return null;
  if (value === true) return DEFAULT_BOUNDARY_REFINEMENT;
  if (value === null || typeof value !== 'object') {
    throw new InvalidArgumentError('boundaryRefinement must be a boolean or an object {radiusPx, eps, guide}');
  }
  const resolved = { ...DEFAULT_BOUNDARY_REFINEMENT, ...value };
  if (!Number.isInteger(resolved.radiusPx) || resolved.radiusPx < 1 || resolved.radiusPx > 256) {
    throw new InvalidArgumentError(
      `boundaryRefinement.radiusPx must be an integer in [1, 256], got ${String(resolved.radiusPx)}`,
    );
  }
  if (typeof resolved.eps !== 'number' || !Number.isFinite(resolved.eps) || resolved.eps <= 0 || resolved.eps > 1) {
    throw new InvalidArgumentError(`boundaryRefinement.eps must be a number in (0, 1], got ${String(resolved.eps)}`);
  }
  if (resolved.guide !== 'rgb' && resolved.guide !== 'gray') {
    throw new InvalidArgumentError(`boundaryRefinement.guide must be "rgb" or "gray", got ${String(resolved.guide)}`);
  }
  const subsample = resolved.subsample ?? 1;
  if (!Number.isInteger(subsample) || subsample < 1 || subsample > 8) {
    throw new InvalidArgumentError(
      `boundaryRefinement.subsample must be an integer in [1, 8], got ${String(subsample)}`,
    );
  }
  const maxRoiPixels = resolved.maxRoiPixels ?? Number.POSITIVE_INFINITY;
  if (typeof maxRoiPixels !== 'number' || Number.isNaN(maxRoiPixels) || maxRoiPixels < 1) {
    throw new InvalidArgumentError(
      `boundaryRefinement.maxRoiPixels must be a number >= 1 (Infinity: no limit), got ${String(resolved.maxRoiPixels)}`,
    );
  }
  return Object.freeze({
    radiusPx: resolved.radiusPx,
    eps: resolved.eps,
    guide: resolved.guide,
    subsample,
    maxRoiPixels,
  });
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
}
