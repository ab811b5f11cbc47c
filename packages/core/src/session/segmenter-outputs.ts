import type { Click } from '../clicks/click';
import { InvalidArgumentError, ModelContractError } from '../errors';
import type { FloatMap } from '../image/float-map';
import type { RgbImage } from '../image/rgb-image';
import type { BinaryMask } from '../mask/binary-mask';
import type { ClickSegmenter, ClickSegmenterResult } from '../predictor/click-segmenter';
import type { HistoryEntry } from './object-history';
import { cropNonZero, cropSharedFromState, type ProbabilityCrop } from './probability-crop';
import { probabilitiesFromMask } from './session-input';

/*
 * What a session keeps of its segmenter's outputs: history entries (clicks, the segmenter's state, the non-zero
 * box of the probabilities), from a prediction, an imported mask or a replay of clicks.
 */

/** A segmenter's `stateFromProbabilities`, bound to it. */
export type StateFromProbabilities = (image: RgbImage, probabilities: FloatMap) => unknown;

/**
 * What the session keeps of a prediction: the region the segmenter's state exposes (shared), else a copy of
 * the non-zero box of the full-size map. Throws {@link ModelContractError} for a malformed result.
 */
export function probabilitiesOfResult(
  result: ClickSegmenterResult<unknown>,
  width: number,
  height: number,
): ProbabilityCrop | undefined {
  if (typeof result !== 'object' || result === null) {
    throw new ModelContractError('the predictor must resolve with {state, probabilities}');
  }
  const shared = cropSharedFromState(result.state, width, height);
  if (shared !== undefined) return shared.crop; // result.probabilities is not touched (it may be lazy)
  const { probabilities } = result;
  if (
    typeof probabilities !== 'object' ||
    probabilities === null ||
    probabilities.width !== width ||
    probabilities.height !== height ||
    !(probabilities.data instanceof Float32Array) ||
    probabilities.data.length !== width * height
  ) {
    throw new ModelContractError(
      `the predictor must resolve with {state, probabilities} where probabilities is a ${width} x ${height} FloatMap`,
    );
  }
  return cropNonZero(probabilities);
}

/** The probabilities of a state made from `probabilities`: shared from the state when it exposes them. */
export function probabilitiesOfState(
  segmenterState: unknown,
  probabilities: FloatMap,
  width: number,
  height: number,
): ProbabilityCrop | undefined {
  const shared = cropSharedFromState(segmenterState, width, height);
  return shared !== undefined ? shared.crop : cropNonZero(probabilities);
}

/**
 * The segmenter's `stateFromProbabilities`, bound to it.
 * @throws InvalidArgumentError when it has none (`method` names what needed it).
 */
export function requireStateFromProbabilities(
  segmenter: ClickSegmenter<unknown>,
  method: string,
): StateFromProbabilities {
  if (typeof segmenter.stateFromProbabilities !== 'function') {
    throw new InvalidArgumentError(
      `${method} needs a predictor that can start from a mask (stateFromProbabilities); this one cannot`,
    );
  }
  return (image, probabilities) => segmenter.stateFromProbabilities!(image, probabilities);
}

/**
 * The entry of an object whose probabilities are `probabilities` (full image size, checked) after `clicks`: they
 * become the segmenter's previous probabilities. Throws what `stateFromProbabilities` throws.
 */
export function entryFromProbabilities(
  image: RgbImage,
  probabilities: FloatMap,
  clicks: readonly Click[],
  stateFromProbabilities: StateFromProbabilities,
): HistoryEntry {
  const segmenterState = stateFromProbabilities(image, probabilities);
  return Object.freeze({
    clicks,
    segmenterState,
    probabilities: probabilitiesOfState(segmenterState, probabilities, image.width, image.height),
  });
}

/** The entry of an object whose mask is `mask` after `clicks` (the mask becomes the previous probabilities). */
export function entryFromMask(
  image: RgbImage,
  mask: BinaryMask,
  clicks: readonly Click[],
  stateFromProbabilities: StateFromProbabilities,
): HistoryEntry {
  const probabilities = probabilitiesFromMask(mask, image.width, image.height);
  return entryFromProbabilities(image, probabilities, clicks, stateFromProbabilities);
}

/**
 * The entry after `clicks` (frozen; the last is the new one): the segmenter run from `before`'s state (one model
 * run). Rejects with the segmenter's error, or {@link ModelContractError} for a malformed result.
 */
export async function predictEntry(
  segmenter: ClickSegmenter<unknown>,
  image: RgbImage,
  clicks: readonly Click[],
  before: HistoryEntry,
): Promise<HistoryEntry> {
  const result = await segmenter.predict(image, clicks, before.segmenterState);
  return Object.freeze({
    clicks,
    segmenterState: result.state,
    probabilities: probabilitiesOfResult(result, image.width, image.height),
  });
}

/** Runs the segmenter click by click from `origin`: the entry after the last click (one model run per click). */
export async function replayClicks(
  segmenter: ClickSegmenter<unknown>,
  image: RgbImage,
  origin: HistoryEntry,
  clicks: readonly Click[],
): Promise<HistoryEntry> {
  let entry = origin;
  for (let count = 1; count <= clicks.length; count++) {
    entry = await predictEntry(segmenter, image, Object.freeze(clicks.slice(0, count)), entry);
  }
  return entry;
}
