import type { BinaryMask } from './binary-mask';
import { assertMaskSize } from './assert-mask';

/**
 * Intersection over union of a prediction with the ground truth, ignored pixels excluded from both counts
 * (the official `utils.get_iou`), in float64.
 *
 * @returns `|pred & gt & !ignore| / |(pred | gt) & !ignore|`; `NaN` when that union is empty (as the official
 *   numpy division gives), which never reaches any IoU threshold.
 * @throws InvalidMaskError when the sizes differ.
 */
export function computeIou(gt: BinaryMask, prediction: BinaryMask, ignore?: BinaryMask): number {
  const { width, height } = gt;
  assertMaskSize(gt, width, height, 'ground truth');
  assertMaskSize(prediction, width, height, 'prediction');
  if (ignore) assertMaskSize(ignore, width, height, 'ignore mask');
  let intersection = 0;
  let union = 0;
  const gtData = gt.data;
  const predictionData = prediction.data;
  const ignoreData = ignore?.data;
  for (let i = 0; i < gtData.length; i++) {
    if (ignoreData && ignoreData[i] !== 0) continue;
    const isObject = gtData[i] !== 0;
    const isPredicted = predictionData[i] !== 0;
    if (isObject && isPredicted) intersection++;
    if (isObject || isPredicted) union++;
  }
  return intersection / union;
}
