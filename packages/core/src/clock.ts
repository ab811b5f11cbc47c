/**
 * Milliseconds from a monotonic clock where the runtime has one (`performance.now()` in browsers, Node and
 * workers), else the wall clock. Written without DOM or Node typings.
 */
export function nowMs(): number {
  const performanceLike = (globalThis as { performance?: { now(): number } }).performance;
  return performanceLike !== undefined ? performanceLike.now() : Date.now();
}
