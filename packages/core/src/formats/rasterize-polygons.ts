import { InvalidArgumentError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import type { Polygon } from './polygon';
import { assertPolygon } from './polygon';

/** How overlapping rings combine, as in SVG and canvas: `evenodd` (default) or `nonzero` winding. */
export type FillRule = 'evenodd' | 'nonzero';

/** Options of {@link rasterizePolygons}. */
export interface RasterizeOptions {
  readonly fillRule: FillRule;
}

/** Defaults of {@link RasterizeOptions}. */
export const DEFAULT_RASTERIZE_OPTIONS: Readonly<RasterizeOptions> = Object.freeze({ fillRule: 'evenodd' });

/**
 * Rasterises polygons (pixel-corner frame, see {@link PointPx}) into a `width` x `height` mask with the
 * pixel-centre rule: pixel (c, r) is set when its centre (c + 0.5, r + 0.5) is inside under the fill rule. A
 * centre exactly on an edge counts as inside for left edges and outside for right edges, and horizontal edges
 * are never crossed (an edge covers the centres with `yMin <= y < yMax`), so shapes that share an edge never
 * both claim a pixel. Every ring of every polygon takes part in one fill, so holes cut out and islands in
 * holes fill back in. Scanline with an active edge list: time grows with rows times crossings, not with area.
 */
export function rasterizePolygons(
  polygons: readonly Polygon[],
  width: number,
  height: number,
  options: Partial<RasterizeOptions> = {},
): BinaryMask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new InvalidArgumentError(`mask size must be non-negative integers, got ${width} x ${height}`);
  }
  const fillRule = options.fillRule ?? DEFAULT_RASTERIZE_OPTIONS.fillRule;
  if (fillRule !== 'evenodd' && fillRule !== 'nonzero') {
    throw new InvalidArgumentError(`fillRule must be 'evenodd' or 'nonzero', got ${String(fillRule)}`);
  }
  // `satisfies unknown`: Array.isArray(x) itself would narrow a readonly T[] to any[] (its declared guard).
  if (!Array.isArray(polygons satisfies unknown)) throw new InvalidArgumentError('polygons must be an array');
  polygons.forEach((polygon, k) => assertPolygon(polygon, `polygons[${k}]`));

  // Non-horizontal edges that cross at least one row centre: x at the first centre, slope, direction, rows.
  const edgeX: number[] = [];
  const edgeSlope: number[] = [];
  const edgeWinding: number[] = [];
  const edgeFirstRow: number[] = [];
  const edgeEndRow: number[] = [];
  for (const polygon of polygons) {
    for (const ring of [polygon.outer, ...polygon.holes]) {
      for (let i = 0, n = ring.length; i < n; i++) {
        const [x0, y0] = ring[i];
        const [x1, y1] = ring[i + 1 === n ? 0 : i + 1];
        if (y0 === y1) continue;
        const [xTop, yTop, xBottom, yBottom] = y0 < y1 ? [x0, y0, x1, y1] : [x1, y1, x0, y0];
        // Rows r whose centre r + 0.5 satisfies yTop <= r + 0.5 < yBottom.
        const firstRow = Math.max(0, Math.ceil(yTop - 0.5));
        const endRow = Math.min(height, Math.ceil(yBottom - 0.5));
        if (firstRow >= endRow) continue;
        const slope = (xBottom - xTop) / (yBottom - yTop);
        edgeX.push(xTop + (firstRow + 0.5 - yTop) * slope);
        edgeSlope.push(slope);
        edgeWinding.push(y0 < y1 ? 1 : -1);
        edgeFirstRow.push(firstRow);
        edgeEndRow.push(endRow);
      }
    }
  }

  const data = new Uint8Array(width * height);
  const edgeCount = edgeX.length;
  const byFirstRow = Array.from({ length: edgeCount }, (_, k) => k).sort((a, b) => edgeFirstRow[a] - edgeFirstRow[b]);
  // Active edges kept sorted by their crossing x; from one row to the next the order barely changes, so an
  // insertion sort is close to linear.
  const active = new Int32Array(edgeCount);
  const activeX = new Float64Array(edgeCount);
  let activeCount = 0;
  let nextEdge = 0;
  for (let row = 0; row < height; row++) {
    let kept = 0;
    for (let j = 0; j < activeCount; j++) {
      if (edgeEndRow[active[j]] > row) active[kept++] = active[j];
    }
    activeCount = kept;
    while (nextEdge < edgeCount && edgeFirstRow[byFirstRow[nextEdge]] === row)
      active[activeCount++] = byFirstRow[nextEdge++];
    if (activeCount === 0) {
      if (nextEdge >= edgeCount) break;
      continue;
    }
    for (let j = 0; j < activeCount; j++) {
      const k = active[j];
      // x at this row's centre, from the edge's first row (no accumulated rounding error).
      const x = edgeX[k] + (row - edgeFirstRow[k]) * edgeSlope[k];
      let i = j;
      while (i > 0 && activeX[i - 1] > x) {
        active[i] = active[i - 1];
        activeX[i] = activeX[i - 1];
        i--;
      }
      active[i] = k;
      activeX[i] = x;
    }
    const rowStart = row * width;
    let winding = 0;
    for (let j = 0; j + 1 < activeCount; j++) {
      winding += fillRule === 'evenodd' ? 1 : edgeWinding[active[j]];
      const inside = fillRule === 'evenodd' ? (winding & 1) === 1 : winding !== 0;
      if (!inside) continue;
      // Columns whose centre c + 0.5 satisfies left <= c + 0.5 < right.
      const firstColumn = Math.max(0, Math.ceil(activeX[j] - 0.5));
      const endColumn = Math.min(width, Math.ceil(activeX[j + 1] - 0.5));
      if (firstColumn < endColumn) data.fill(1, rowStart + firstColumn, rowStart + endColumn);
    }
  }
  return { width, height, data };
}
