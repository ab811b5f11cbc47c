// The benches' shared statistics and number formats (one definition instead of one copy per bench).

/** The `p`-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Whole milliseconds, `-` for a missing value. */
export const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '-');

/** `a / b` as `1.23x`, `-` when it is undefined. */
export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : '-');
