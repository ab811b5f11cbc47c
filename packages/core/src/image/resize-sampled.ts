import { InvalidArgumentError } from '../errors';
import { compactAxis } from './linear-axis-subsets';
import {
  computeLinearAxisWeights,
  planeWindow,
  resizeBilinearWindow,
  type FloatPlaneWindow,
  type TorchBilinearKernel,
} from './resize-bilinear';

/**
 * Fills `out` with the source values at rows `rows` and columns `cols` (both ascending):
 * `out.data[out.offset + i * out.rowStride + j]` = value at row `rows[i]`, column `cols[j]`.
 */
export type SourceSampler = (rows: Int32Array, cols: Int32Array, out: FloatPlaneWindow) => void;

/**
 * {@link resizeBilinearWindow} for a source of `sourceWidthPx` x `sourceHeightPx` that is never materialised:
 * the bilinear kernel reads at most two source rows and two source columns per output row and column, so only
 * that grid (at most 2 x target height by 2 x target width values, however large the source) is asked from
 * `sample`, and the kernel then runs over the grid with its tables rewritten to grid positions. The arithmetic
 * per output pixel is the kernel's own on the same values, so the result equals resizing the materialised
 * source bit for bit.
 *
 * SimpleClick uses it to crop and resize the previous probabilities, which are themselves a bilinear resize of
 * the network output pasted into a zero map (see ObjectState): evaluating those only at the sampled points
 * replaces millions of pixels by about (2 S)^2 at most.
 *
 * @param scratch - Gives a buffer of at least `length` values for the grid (reused by the caller between calls;
 *   `sample` overwrites what the kernel reads). Default: a new array.
 */
export function resizeBilinearSampled(
  sourceWidthPx: number,
  sourceHeightPx: number,
  sample: SourceSampler,
  target: FloatPlaneWindow,
  alignCorners: boolean,
  kernel: TorchBilinearKernel,
  scratch: (length: number) => Float32Array = (length) => new Float32Array(length),
): void {
  const rows = compactAxis(computeLinearAxisWeights(sourceHeightPx, target.height, alignCorners));
  const cols = compactAxis(computeLinearAxisWeights(sourceWidthPx, target.width, alignCorners));
  const gridWidth = cols.sourceIndices.length;
  const gridHeight = rows.sourceIndices.length;
  const grid = planeWindow(scratch(gridWidth * gridHeight), gridWidth, gridHeight);
  if (grid.data.length < gridWidth * gridHeight)
    throw new InvalidArgumentError('scratch buffer is smaller than the sample grid');
  sample(rows.sourceIndices, cols.sourceIndices, grid);
  resizeBilinearWindow(grid, target, alignCorners, kernel, rows.weights, cols.weights);
}
