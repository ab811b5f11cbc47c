/**
 * Rounds to the nearest integer, ties to the even integer: Python's `round(x)` (and numpy's) on a float64.
 * The official zoom-in rounds its box edges this way; `Math.round` (ties up) gives different boxes whenever
 * an edge lands on .5, which is common (centres of integer boxes are often .5).
 */
export function roundHalfEven(value: number): number {
  const lower = Math.floor(value);
  const fraction = value - lower; // exact for every finite float64
  if (fraction < 0.5) return lower;
  if (fraction > 0.5) return lower + 1;
  return lower % 2 === 0 ? lower : lower + 1;
}
