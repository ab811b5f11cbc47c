import type { Click } from '../../clicks/click';
import { createFloatMap } from '../../image/float-map';
import type { RgbImage } from '../../image/rgb-image';
import type { Roi } from '../../image/roi';
import type { BinaryMask } from '../../mask/binary-mask';
import type { ClickSegmenter, ClickSegmenterResult } from '../../predictor/click-segmenter';

/** What a {@link maskSegmenter}'s oracle answers for a click. */
export interface OracleAnswer {
  readonly mask: BinaryMask;
  readonly roi?: Roi;
}

/**
 * A ClickSegmenter for evaluation tests, from an oracle that gives the mask after each click: probabilities 1
 * inside the mask and 0 outside (so any threshold in [0, 1) gives the mask back), the ROI on the result when the
 * oracle has one. Its state counts the object's clicks, so tests can check that states are threaded per object.
 */
export function maskSegmenter(
  oracle: (image: RgbImage, clicks: readonly Click[]) => OracleAnswer,
): ClickSegmenter<number> & { readonly previousStates: (number | undefined)[] } {
  const previousStates: (number | undefined)[] = [];
  return {
    previousStates,
    async predict(image, clicks, previousState): Promise<ClickSegmenterResult<number> & { roi?: Roi }> {
      previousStates.push(previousState);
      const { mask, roi } = oracle(image, clicks);
      const probabilities = createFloatMap(mask.width, mask.height);
      for (let i = 0; i < mask.data.length; i++) probabilities.data[i] = mask.data[i] !== 0 ? 1 : 0;
      const state = (previousState ?? 0) + 1;
      return roi === undefined ? { state, probabilities } : { state, probabilities, roi };
    },
  };
}
