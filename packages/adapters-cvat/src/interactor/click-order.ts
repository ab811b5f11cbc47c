import type { Click } from '@simpleclick/core';

/**
 * How clicks whose order the interactor cannot know are put in order (CVAT sends two lists, positives and
 * negatives, each in placement order, but not how the two interleave):
 *
 * - `'interleave'` (default): alternately a positive and a negative, starting with a positive, each list in its
 *   own order; when one list runs out the rest of the other follows. It starts with a positive click as SimpleClick's
 *   training and evaluation always do, and alternates because corrective clicks (placed on the largest error of
 *   the current mask) change sign more often than not.
 * - `'positives-first'`: all positives, then all negatives (what CVAT's RITM and f-BRS functions put in their
 *   clicker before their single forward pass).
 */
export type ReplayOrder = 'interleave' | 'positives-first';

/** The replay orders accepted in options. */
export const REPLAY_ORDERS: readonly ReplayOrder[] = Object.freeze(['interleave', 'positives-first']);

/**
 * Puts clicks of unknown relative order in the order of `replayOrder` (see {@link ReplayOrder}). The result is a
 * function of the two lists only.
 */
export function orderClicks(
  positives: readonly Click[],
  negatives: readonly Click[],
  replayOrder: ReplayOrder,
): Click[] {
  if (replayOrder === 'positives-first') return [...positives, ...negatives];
  const ordered: Click[] = [];
  for (let i = 0; i < Math.max(positives.length, negatives.length); i++) {
    if (i < positives.length) ordered.push(positives[i]);
    if (i < negatives.length) ordered.push(negatives[i]);
  }
  return ordered;
}

/** Same position and sign: how a resent point is recognised (CVAT resends the numbers unchanged). */
export function sameClick(a: Click, b: Click): boolean {
  return a.xPx === b.xPx && a.yPx === b.yPx && a.isPositive === b.isPositive;
}
