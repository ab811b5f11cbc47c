import { InvalidArgumentError } from '../errors';
import type { LinearAxisWeights } from './resize-bilinear';

/**
 * Parts of a {@link LinearAxisWeights} table, so that a bilinear kernel can compute some output pixels only, or
 * read its source from a compact grid instead of the full raster. The kernels' arithmetic per output pixel
 * depends only on the table entries of that pixel (two source indices and two weights per axis), so a kernel run
 * over such a table gives exactly the values it gives over the full one.
 */

/** The entries of `axis` at the output indices `positions` (in that order), as a table of their own. */
export function selectAxisEntries(axis: LinearAxisWeights, positions: Int32Array): LinearAxisWeights {
  const count = positions.length;
  const index0 = new Int32Array(count);
  const index1 = new Int32Array(count);
  const lambda0 = new Float64Array(count);
  const lambda1 = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const d = positions[k];
    index0[k] = axis.index0[d];
    index1[k] = axis.index1[d];
    lambda0[k] = axis.lambda0[d];
    lambda1[k] = axis.lambda1[d];
  }
  return { index0, index1, lambda0, lambda1 };
}

/** The source indices an axis table reads, and the table rewritten to read them from a compact grid. */
export interface CompactedAxis {
  /** Every source index the table reads, ascending, each once. */
  readonly sourceIndices: Int32Array;
  /** The same table with each source index replaced by its position in `sourceIndices`. */
  readonly weights: LinearAxisWeights;
}

/**
 * The source indices `axis` reads (ascending, no repeats) and the table that reads the same values from a grid
 * holding only those indices. Relies on what {@link computeLinearAxisWeights} guarantees: `index0` never
 * decreases along the output and `index1` is `index0` or `index0 + 1`. Throws {@link InvalidArgumentError} for a
 * table that breaks this.
 */
export function compactAxis(axis: LinearAxisWeights): CompactedAxis {
  const count = axis.index0.length;
  const positionOf = new Map<number, number>();
  const indices: number[] = [];
  const take = (sourceIndex: number): number => {
    let position = positionOf.get(sourceIndex);
    if (position === undefined) {
      position = indices.length;
      indices.push(sourceIndex);
      positionOf.set(sourceIndex, position);
    }
    return position;
  };
  const index0 = new Int32Array(count);
  const index1 = new Int32Array(count);
  for (let d = 0; d < count; d++) {
    index0[d] = take(axis.index0[d]);
    index1[d] = take(axis.index1[d]);
  }
  // Ascending order holds by construction (see above); checked because the callers' grids depend on it.
  for (let k = 1; k < indices.length; k++) {
    if (indices[k] <= indices[k - 1])
      throw new InvalidArgumentError('the axis table does not read its source in increasing order');
  }
  return {
    sourceIndices: Int32Array.from(indices),
    weights: { index0, index1, lambda0: axis.lambda0, lambda1: axis.lambda1 },
  };
}
