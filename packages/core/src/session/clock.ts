/**
 * Milliseconds from a monotonic clock where the runtime has one (`performance.now()` exists in browsers,
 * Node and workers), else the wall clock. Kept here so the session needs neither DOM nor Node typings.
 */
export function nowMs(): number {
  const performanceLike = (globalThis as { performance?: { now(): number } }).performance;
  return performanceLike !== undefined ? performanceLike.now() : Date.now();
}
