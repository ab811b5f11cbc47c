import { assertBinaryMask } from '../mask/assert-mask';
import type { BinaryMask } from '../mask/binary-mask';
import { DEFAULT_CONNECTIVITY, assertConnectivity, labelRuns, runLabelAt } from '../mask/connected-components';
import type { Connectivity } from '../mask/connected-components';
import type { Polygon, Ring } from './polygon';

/** Options of {@link traceMaskPolygons}. */
export interface TracePolygonsOptions {
  /**
   * Connectivity of the objects, default {@link DEFAULT_CONNECTIVITY}. With 8, two pixels that touch only at a
   * corner belong to one polygon whose boundary passes through that corner twice; with 4 they are two polygons.
   */
  readonly connectivity: Connectivity;
}

// Directions of boundary edges between pixel corners; y grows downwards.
const EAST = 0;
const SOUTH = 1;
const WEST = 2;
const NORTH = 3;
const STEP_X = [1, 0, -1, 0];
const STEP_Y = [0, 1, 0, -1];

/**
 * Traces the exact pixel boundaries of a mask as polygons with holes, one polygon per connected component
 * (in raster order of the components' first pixels).
 *
 * Convention: vertices lie on pixel corners (see {@link PointPx}); every ring follows pixel edges, with the
 * object on its right-hand side when walked in order (outer rings clockwise on screen, holes
 * counter-clockwise), and keeps only the corners where it turns. Rasterising the result with the pixel-centre
 * rule of {@link rasterizePolygons} reproduces the mask exactly. Linear in the pixel count.
 *
 * Method: every object pixel side that faces background (or the image border) is a directed edge; the edges
 * are chained at the pixel corners. At a corner where two object pixels touch diagonally, the walk turns left
 * with 8-connectivity (joining them) and right with 4-connectivity (separating them). Each ring is assigned to
 * the component of the object pixel beside its first edge: the one ring with positive area is its outer ring,
 * the others are its holes, so nesting is exact by construction.
 */
export function traceMaskPolygons(mask: BinaryMask, options: Partial<TracePolygonsOptions> = {}): Polygon[] {
  assertBinaryMask(mask);
  const connectivity = options.connectivity ?? DEFAULT_CONNECTIVITY;
  assertConnectivity(connectivity);
  const { width, height, data } = mask;
  if (width === 0 || height === 0) return [];

  // Outgoing boundary edges per pixel corner, one bit per direction. At most two per corner.
  const cornersPerRow = width + 1;
  const edges = new Uint8Array(cornersPerRow * (height + 1));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] === 0) continue;
      const topLeft = y * cornersPerRow + x;
      if (y === 0 || data[row + x - width] === 0) edges[topLeft] |= 1 << EAST;
      if (x === width - 1 || data[row + x + 1] === 0) edges[topLeft + 1] |= 1 << SOUTH;
      if (y === height - 1 || data[row + x + width] === 0) edges[topLeft + cornersPerRow + 1] |= 1 << WEST;
      if (x === 0 || data[row + x - 1] === 0) edges[topLeft + cornersPerRow] |= 1 << NORTH;
    }
  }

  const components = labelRuns(mask, connectivity, true);
  const outerByLabel = new Array<Ring | undefined>(components.count + 1);
  const holesByLabel = new Array<Ring[]>(components.count + 1);
  const remaining = edges.slice();
  const turnAtSaddle = connectivity === 8 ? 3 : 1; // +3 mod 4 turns left, +1 turns right

  for (let start = 0; start < remaining.length; start++) {
    while (remaining[start] !== 0) {
      const startX = start % cornersPerRow;
      const startY = (start - startX) / cornersPerRow;
      const startDirection = lowestBit(remaining[start]);
      const ring: Ring = [[startX, startY]];
      let twiceArea = 0;
      let x = startX;
      let y = startY;
      let direction = startDirection;
      for (;;) {
        remaining[y * cornersPerRow + x] &= ~(1 << direction);
        const nextX = x + STEP_X[direction];
        const nextY = y + STEP_Y[direction];
        twiceArea += x * nextY - nextX * y;
        x = nextX;
        y = nextY;
        const corner = y * cornersPerRow + x;
        const out = edges[corner];
        const nextDirection = (out & (out - 1)) === 0 ? lowestBit(out) : (direction + turnAtSaddle) & 3;
        if ((remaining[corner] & (1 << nextDirection)) === 0) {
          // Back on the first edge. The start corner is a turn unless the walk arrives straight into it.
          if (nextDirection === direction) ring.shift();
          break;
        }
        if (nextDirection !== direction) ring.push([x, y]);
        direction = nextDirection;
      }
      const pixel = objectPixelRightOf(startX, startY, startDirection, width);
      const column = pixel % width;
      const label = runLabelAt(components, column, (pixel - column) / width);
      if (twiceArea > 0) {
        outerByLabel[label] = ring;
      } else {
        (holesByLabel[label] ??= []).push(ring);
      }
    }
  }

  const polygons: Polygon[] = [];
  for (let label = 1; label <= components.count; label++) {
    const outer = outerByLabel[label];
    // Every component has exactly one outer ring; the check guards the invariant.
    if (outer === undefined) throw new Error(`internal error: component ${label} has no outer ring`);
    polygons.push({ outer, holes: holesByLabel[label] ?? [] });
  }
  return polygons;
}

function lowestBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** Index of the object pixel on the right-hand side of the edge leaving corner (x, y) in `direction`. */
function objectPixelRightOf(x: number, y: number, direction: number, width: number): number {
  switch (direction) {
    case EAST:
      return y * width + x;
    case SOUTH:
      return y * width + x - 1;
    case WEST:
      return (y - 1) * width + x - 1;
    default:
      return (y - 1) * width + x;
  }
}
