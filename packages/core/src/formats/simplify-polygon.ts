import { InvalidArgumentError } from '../errors';
import type { Polygon, Ring } from './polygon';
import { assertPolygon, assertRing, ringSignedAreaPx } from './polygon';

/** Options of {@link simplifyPolygon}. Give `epsilonPx`, `maxVertices` or both. */
export interface SimplifyPolygonOptions {
  /**
   * Douglas-Peucker tolerance in pixels: a vertex is dropped when it lies within this distance of the simplified
   * outline around it. `0` removes only vertices that lie on a straight edge.
   */
  readonly epsilonPx?: number;
  /**
   * Vertex budget for the whole polygon (outer ring plus holes), at least 3. The tolerance is raised to the
   * smallest value that meets the budget (never lowered below `epsilonPx`). Each ring keeps at least 3
   * vertices; when the holes alone would break the budget, the smallest holes are dropped first.
   */
  readonly maxVertices?: number;
}

/**
 * Douglas-Peucker simplification of a closed ring with tolerance `epsilonPx`. The ring keeps at least 3
 * vertices (when it has them); distances are measured to the chord segment.
 */
export function simplifyRing(ring: Ring, epsilonPx: number): Ring {
  assertRing(ring);
  assertEpsilon(epsilonPx);
  const importance = ringVertexImportance(ring);
  return ring.filter((_, i) => importance[i] > epsilonPx);
}

/**
 * Simplifies a polygon with Douglas-Peucker, by tolerance and/or vertex budget. Each vertex's importance (the
 * largest tolerance at which Douglas-Peucker still keeps it) is computed once, so the budget is met exactly with
 * the smallest tolerance that allows it, without a search. The same tolerance applies to every ring. The result
 * can self-intersect when the tolerance is large compared with the gaps between rings.
 */
export function simplifyPolygon(polygon: Polygon, options: SimplifyPolygonOptions): Polygon {
  assertPolygon(polygon);
  assertSimplifyPolygonOptions(options);
  const { epsilonPx = 0, maxVertices } = options;
  let rings: Ring[] = [polygon.outer, ...polygon.holes];
  let importances = rings.map(ringVertexImportance);
  let tolerance = epsilonPx;

  const total = rings.reduce((sum, ring) => sum + ring.length, 0);
  if (maxVertices !== undefined && total > maxVertices) {
    const mandatoryOf = (importance: Float64Array): number => {
      let count = 0;
      for (const value of importance) if (value === Infinity) count++;
      return count;
    };
    let mandatory = importances.reduce((sum, importance) => sum + mandatoryOf(importance), 0);
    if (mandatory > maxVertices) {
      // Drop holes, smallest first, until every kept ring can have its minimum vertices.
      const holeOrder = polygon.holes
        .map((hole, k) => ({ k: k + 1, areaPx: Math.abs(ringSignedAreaPx(hole)) }))
        .sort((a, b) => a.areaPx - b.areaPx);
      const dropped = new Set<number>();
      for (const { k } of holeOrder) {
        if (mandatory <= maxVertices) break;
        dropped.add(k);
        mandatory -= mandatoryOf(importances[k]);
      }
      rings = rings.filter((_, k) => !dropped.has(k));
      importances = importances.filter((_, k) => !dropped.has(k));
    }
    const optional: number[] = [];
    for (const importance of importances) {
      for (const value of importance) if (value !== Infinity) optional.push(value);
    }
    const allowed = maxVertices - mandatory;
    if (optional.length > allowed) {
      optional.sort((a, b) => b - a);
      // Keeping only values strictly above the (allowed+1)-th largest leaves at most `allowed` of them.
      tolerance = Math.max(tolerance, optional[allowed]);
    }
  }

  const simplified = rings.map((ring, k) => ring.filter((_, i) => importances[k][i] > tolerance));
  return { outer: simplified[0], holes: simplified.slice(1) };
}

/** Throws {@link InvalidArgumentError} unless the options are valid for {@link simplifyPolygon}. */
export function assertSimplifyPolygonOptions(options: SimplifyPolygonOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options must be an object');
  const { epsilonPx = 0, maxVertices } = options;
  assertEpsilon(epsilonPx);
  if (maxVertices !== undefined && (!Number.isInteger(maxVertices) || maxVertices < 3)) {
    throw new InvalidArgumentError(`maxVertices must be an integer of at least 3, got ${String(maxVertices)}`);
  }
}

function assertEpsilon(epsilonPx: number): void {
  if (typeof epsilonPx !== 'number' || !Number.isFinite(epsilonPx) || epsilonPx < 0) {
    throw new InvalidArgumentError(`epsilonPx must be a finite number >= 0, got ${String(epsilonPx)}`);
  }
}

/**
 * For each vertex of a closed ring, the largest Douglas-Peucker tolerance at which it is kept: the distance at
 * which it splits its segment, capped by the importance of the split above it. The first vertex, the vertex
 * farthest from it and the farthest vertex from that chord are always kept (importance `Infinity`), so a ring of
 * three or more vertices never collapses. Iterative, so long rings cannot overflow the call stack.
 * @internal
 */
export function ringVertexImportance(ring: Ring): Float64Array {
  const n = ring.length;
  const importance = new Float64Array(n);
  if (n <= 3) return importance.fill(Infinity);
  importance[0] = Infinity;
  let farthest = 0;
  let farthestSquared = -1;
  for (let i = 1; i < n; i++) {
    const dx = ring[i][0] - ring[0][0];
    const dy = ring[i][1] - ring[0][1];
    const distanceSquared = dx * dx + dy * dy;
    if (distanceSquared > farthestSquared) {
      farthestSquared = distanceSquared;
      farthest = i;
    }
  }
  importance[farthest] = Infinity;

  // Segments [first, last] by vertex index; index n stands for vertex 0 (the ring closes).
  const stack: number[] = [0, farthest, -1, farthest, n, -1];
  let topSplitPending = true;
  let bestTop = -1;
  let bestTopDistance = -1;
  // The first level is scanned first, to promote its farther split to a mandatory vertex.
  for (let half = 0; half < 2; half++) {
    const first = half === 0 ? 0 : farthest;
    const last = half === 0 ? farthest : n;
    const k = farthestFromChord(ring, first, last);
    if (k >= 0 && farthestDistance > bestTopDistance) {
      bestTopDistance = farthestDistance;
      bestTop = k;
    }
  }
  while (stack.length > 0) {
    const parentImportance = stack.pop() as number;
    const last = stack.pop() as number;
    const first = stack.pop() as number;
    const k = farthestFromChord(ring, first, last);
    if (k < 0) continue;
    let value = Math.min(farthestDistance, parentImportance < 0 ? Infinity : parentImportance);
    if (topSplitPending && k === bestTop) {
      value = Infinity;
      topSplitPending = false;
    }
    importance[k] = value;
    stack.push(first, k, value, k, last, value);
  }
  return importance;
}

/** Distance found by the last {@link farthestFromChord} call (a module variable avoids allocating a pair). */
let farthestDistance = 0;

/**
 * The vertex strictly between `first` and `last` farthest from the segment joining them (-1 when there is
 * none); its distance is left in `farthestDistance`.
 */
function farthestFromChord(ring: Ring, first: number, last: number): number {
  if (last - first < 2) return -1;
  const n = ring.length;
  const [ax, ay] = ring[first];
  const [bx, by] = ring[last === n ? 0 : last];
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let best = -1;
  let bestDistanceSquared = -1;
  for (let i = first + 1; i < last; i++) {
    const px = ring[i][0] - ax;
    const py = ring[i][1] - ay;
    let distanceSquared: number;
    if (lengthSquared === 0) {
      distanceSquared = px * px + py * py;
    } else {
      const t = Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSquared));
      const ex = px - t * dx;
      const ey = py - t * dy;
      distanceSquared = ex * ex + ey * ey;
    }
    if (distanceSquared > bestDistanceSquared) {
      bestDistanceSquared = distanceSquared;
      best = i;
    }
  }
  farthestDistance = Math.sqrt(bestDistanceSquared);
  return best;
}
