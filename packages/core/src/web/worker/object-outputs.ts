import type { Click } from '../../clicks/click';
import { InvalidArgumentError } from '../../errors';
import type { BinaryMask } from '../../mask/binary-mask';
import { cleanUpMask, type MaskCleanUpOptions } from '../../mask/clean-up-mask';
import { encodeLabelStudioBrushRle } from '../../formats/label-studio-brush-rle';
import { maskToPolygons, type MaskToPolygonsOptions } from '../../formats/mask-to-polygons';
import type { Polygon } from '../../formats/polygon';

/**
 * What {@link computeObjectOutputs} (and `WorkerSession.getObjectOutputs`) should compute from an object's mask:
 * the work an annotation tool does after each click, which is image-sized (a pass over every pixel, or more) and
 * so belongs off the page's thread. Every field is optional; plain data only (it crosses to the worker).
 */
export interface ObjectOutputsRequest {
  /** Clean the mask first (`cleanUpMask`; its `clicks` are the object's own). Left out: the mask as it is. */
  readonly cleanUp?: Partial<Omit<MaskCleanUpOptions, 'clicks'>>;
  /** Mean probability of the model over the (cleaned) mask's pixels (0 for an empty mask). */
  readonly meanProbability?: boolean;
  /** Label Studio's brush RLE of the (cleaned) mask (`encodeLabelStudioBrushRle`). Left out for an empty mask. */
  readonly labelStudioBrushRle?: boolean;
  /** Polygons of the (cleaned) mask (`maskToPolygons` with these options). Left out for an empty mask. */
  readonly polygons?: Partial<MaskToPolygonsOptions>;
  /** Return the (cleaned) mask itself (from a worker: moved, not copied; else possibly the source's own mask: read only). */
  readonly mask?: boolean;
}

/** The answer to an {@link ObjectOutputsRequest}. Small whatever the image size, unless `mask` was asked for. */
export interface ObjectOutputs {
  /** The object whose outputs these are. */
  readonly objectId: number;
  readonly width: number;
  readonly height: number;
  /** Pixels of the (cleaned) mask; 0 for an empty mask. */
  readonly areaPx: number;
  readonly meanProbability?: number;
  readonly labelStudioBrushRle?: number[];
  readonly polygons?: Polygon[];
  readonly mask?: BinaryMask;
}

/** Where the outputs come from: the object's mask and clicks, and its probabilities when the request needs them. */
export interface ObjectOutputsSource {
  readonly objectId: number;
  readonly mask: BinaryMask;
  readonly clicks: readonly Click[];
  /** Full-size probabilities (read only for `meanProbability`). */
  readonly probabilities: () => Float32Array;
}

/**
 * The per-click outputs of an object, computed where it is called: in the SDK's worker for a `WorkerSession`
 * (`getObjectOutputs`), or on the calling thread for a main-thread session. One function for both, so a tool
 * that can run either way (the Label Studio browser plugin) gets the same results from both.
 * @throws {@link InvalidArgumentError} for bad clean-up or polygon options.
 */
export function computeObjectOutputs(source: ObjectOutputsSource, request: ObjectOutputsRequest): ObjectOutputs {
  if (typeof request !== 'object' || request === null)
    throw new InvalidArgumentError('the outputs request must be an object');
  let mask = source.mask;
  if (request.cleanUp !== undefined) mask = cleanUpMask(mask, { ...request.cleanUp, clicks: source.clicks });
  const { width, height } = mask;
  const data = mask.data;
  let areaPx = 0;
  // An indexed loop: the iterator form is far slower on a 12-megapixel mask.
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) areaPx++;
  const outputs: { -readonly [K in keyof ObjectOutputs]: ObjectOutputs[K] } = {
    objectId: source.objectId,
    width,
    height,
    areaPx,
  };
  if (request.meanProbability === true) {
    let sum = 0;
    if (areaPx > 0) {
      const probabilities = source.probabilities();
      for (let i = 0; i < data.length; i++) if (data[i] !== 0) sum += probabilities[i];
    }
    outputs.meanProbability = areaPx === 0 ? 0 : sum / areaPx;
  }
  if (request.labelStudioBrushRle === true && areaPx > 0) outputs.labelStudioBrushRle = encodeLabelStudioBrushRle(mask);
  if (request.polygons !== undefined && areaPx > 0) outputs.polygons = maskToPolygons(mask, request.polygons);
  if (request.mask === true) outputs.mask = mask;
  return outputs;
}
