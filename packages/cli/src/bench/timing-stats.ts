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

/** Per-click totals, model and boundary-refinement times of one predictor, and their shares of the total. */
export interface PredictorTimings {
  readonly perClick: TimingStats;
  readonly model: TimingStats;
  /** The guided filter of boundary refinement (all zeros when it is off). */
  readonly refinement: TimingStats;
  /** (sum of totals - model - refinement) / sum of totals: the SDK's own work around the model. */
  readonly outsideModelShare: number;
  /** Sum of refinement times / sum of totals. */
  readonly refinementShare: number;
}

/** {@link PredictorTimings} from parallel lists of per-click totals, model and refinement times. */
export function predictorTimings(
  totalsMs: readonly number[],
  modelMs: readonly number[],
  refinementMs: readonly number[] = totalsMs.map(() => 0),
): PredictorTimings {
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  const total = sum(totalsMs);
  const inModel = sum(modelMs);
  const inRefinement = sum(refinementMs);
  return {
    perClick: timingStats(totalsMs),
    model: timingStats(modelMs),
    refinement: timingStats(refinementMs),
    outsideModelShare: total > 0 ? (total - inModel - inRefinement) / total : NaN,
    refinementShare: total > 0 ? inRefinement / total : NaN,
  };
}
