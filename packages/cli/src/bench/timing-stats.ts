/** Summary numbers of a list of per-click timings. */
export interface TimingStats {
  readonly count: number;
  readonly meanMs: number;
  readonly medianMs: number;
}

/** Mean and median of `values` (milliseconds). */
export function timingStats(values: readonly number[]): TimingStats {
  if (values.length === 0) return { count: 0, meanMs: NaN, medianMs: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const meanMs = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { count: values.length, meanMs, medianMs };
}

/** Per-click totals and model times of one predictor, and the share of the total spent outside the model. */
export interface PredictorTimings {
  readonly perClick: TimingStats;
  readonly model: TimingStats;
  /** (sum of totals - sum of model times) / sum of totals. */
  readonly outsideModelShare: number;
}

/** {@link PredictorTimings} from parallel lists of per-click totals and model times. */
export function predictorTimings(totalsMs: readonly number[], modelMs: readonly number[]): PredictorTimings {
  const total = totalsMs.reduce((sum, value) => sum + value, 0);
  const inModel = modelMs.reduce((sum, value) => sum + value, 0);
  return {
    perClick: timingStats(totalsMs),
    model: timingStats(modelMs),
    outsideModelShare: total > 0 ? (total - inModel) / total : NaN,
  };
}
