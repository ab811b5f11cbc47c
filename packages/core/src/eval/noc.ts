import { InvalidArgumentError } from '../errors';

/** Maximum number of clicks per object in the official protocol. */
export const OFFICIAL_MAX_CLICKS = 20;

/** IoU at which the official evaluation stops clicking an object (when early stop is on). */
export const OFFICIAL_EARLY_STOP_IOU = 0.9;

/**
 * IoU thresholds of the official NoC@80/85/90 columns, exactly as `numpy.arange(0.8, 0.901, 0.05).tolist()`
 * produces them: 0.8, 0.8500000000000001, 0.9000000000000001 (see {@link officialIouThresholds}).
 */
export const OFFICIAL_IOU_THRESHOLDS: readonly number[] = Object.freeze(officialIouThresholds(OFFICIAL_EARLY_STOP_IOU));

/**
 * The thresholds the official `evaluate_model.py` derives from its target IoU:
 * `numpy.arange(0.8, min(0.95, targetIou) + 0.001, 0.05)`, reproduced with numpy's own float arithmetic
 * (`start + i * ((start + step) - start)`), so 0.85 and 0.9 come out as 0.8500000000000001 and 0.9000000000000001.
 */
export function officialIouThresholds(targetIou: number = OFFICIAL_EARLY_STOP_IOU): number[] {
  const start = 0.8;
  const step = 0.05;
  const stop = Math.min(0.95, targetIou) + 0.001;
  const count = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  return Array.from({ length: count }, (_, i) => start + i * delta);
}

/**
 * NoC of one object at one threshold: the 1-based index of the first click whose IoU, rounded to float32, is
 * >= the threshold rounded to float32 (the official code keeps IoUs in a float32 array and numpy compares it
 * with the Python float threshold in float32); `maxClicks` if no click reaches it.
 *
 * @param ious - IoU after click 1, 2, ... (float64 values; rounded here).
 */
export function numberOfClicks(
  ious: ArrayLike<number>,
  threshold: number,
  maxClicks: number = OFFICIAL_MAX_CLICKS,
): number {
  const threshold32 = Math.fround(threshold);
  for (let i = 0; i < ious.length; i++) {
    if (Math.fround(ious[i]) >= threshold32) return i + 1;
  }
  return maxClicks;
}

/** NoC statistics over a set of objects, one entry per threshold (the official `compute_noc_metric`). */
export interface NocSummary {
  /** The thresholds, in the order of the arrays below. */
  readonly iouThresholds: readonly number[];
  /** Mean NoC over the objects, per threshold. */
  readonly nocMean: readonly number[];
  /** Population standard deviation of NoC (numpy `std`, ddof 0), per threshold. */
  readonly nocStd: readonly number[];
  /**
   * NoF: objects whose NoC equals `maxClicks`, per threshold. As in the official count this includes objects that
   * first reach the threshold exactly at the last click.
   */
  readonly nof: readonly number[];
}

/**
 * Mean and standard deviation of NoC and the NoF count per threshold.
 * @param allIous - per object, IoU after each click.
 * @throws InvalidArgumentError when there is no object.
 */
export function summarizeNoc(
  allIous: readonly ArrayLike<number>[],
  iouThresholds: readonly number[] = OFFICIAL_IOU_THRESHOLDS,
  maxClicks: number = OFFICIAL_MAX_CLICKS,
): NocSummary {
  if (allIous.length === 0) throw new InvalidArgumentError('cannot summarize NoC over zero objects');
  const nocMean: number[] = [];
  const nocStd: number[] = [];
  const nof: number[] = [];
  for (const threshold of iouThresholds) {
    const nocs = allIous.map((ious) => numberOfClicks(ious, threshold, maxClicks));
    const mean = nocs.reduce((sum, noc) => sum + noc, 0) / nocs.length;
    const variance = nocs.reduce((sum, noc) => sum + (noc - mean) * (noc - mean), 0) / nocs.length;
    nocMean.push(mean);
    nocStd.push(Math.sqrt(variance));
    nof.push(nocs.filter((noc) => noc === maxClicks).length);
  }
  return { iouThresholds: [...iouThresholds], nocMean, nocStd, nof };
}

/**
 * Mean IoU after each click over all objects (the mIoU-per-click curve), IoUs rounded to float32 first as the
 * official arrays are, averaged in float64.
 *
 * Objects stopped early have fewer IoUs; like the official `--print-ious` output the curve is cut to the shortest
 * run, so draw curves from runs without early stop.
 * @throws InvalidArgumentError when there is no object.
 */
export function meanIouPerClick(allIous: readonly ArrayLike<number>[]): number[] {
  if (allIous.length === 0) throw new InvalidArgumentError('cannot average IoU over zero objects');
  const clickCount = allIous.reduce((shortest, ious) => Math.min(shortest, ious.length), Infinity);
  const sums = new Array<number>(clickCount).fill(0);
  for (const ious of allIous) {
    for (let k = 0; k < clickCount; k++) sums[k] += Math.fround(ious[k]);
  }
  return sums.map((sum) => sum / allIous.length);
}
