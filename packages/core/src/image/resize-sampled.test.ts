import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random';
import { compactAxis, selectAxisEntries } from './linear-axis-subsets';
import {
  computeLinearAxisWeights,
  planeWindow,
  resizeBilinearWindow,
  type TorchBilinearKernel,
} from './resize-bilinear';
import { resizeBilinearSampled } from './resize-sampled';

function mismatches(actual: Float32Array, expected: Float32Array): number[] {
  expect(actual.length).toBe(expected.length);
  const bad: number[] = [];
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) bad.push(i);
  return bad;
}

describe('resizeBilinearSampled equals resizing the materialised source', () => {
  const cases: Array<[number, number, number, number]> = [
    [300, 200, 32, 32], // downsampling: the predictor's crop of a large ROI
    [20, 17, 32, 32], // upsampling: an ROI smaller than S
    [32, 32, 32, 32], // equal sizes: the axis is copied
    [1, 40, 8, 8],
    [97, 5, 16, 3],
  ];
  for (const [sourceWidth, sourceHeight, width, height] of cases) {
    for (const kernel of ['generic', 'channels-last'] as TorchBilinearKernel[]) {
      for (const alignCorners of [true, false]) {
        it(`${sourceWidth}x${sourceHeight} -> ${width}x${height}, ${kernel}, align_corners=${alignCorners}`, () => {
          const random = seededRandom(sourceWidth * 131 + sourceHeight + width);
          const source = Float32Array.from({ length: sourceWidth * sourceHeight }, () => random());
          const expected = new Float32Array(width * height);
          resizeBilinearWindow(
            planeWindow(source, sourceWidth, sourceHeight),
            planeWindow(expected, width, height),
            alignCorners,
            kernel,
          );
          const actual = new Float32Array(width * height);
          let sampled = 0;
          resizeBilinearSampled(
            sourceWidth,
            sourceHeight,
            (rows, cols, out) => {
              sampled += rows.length * cols.length;
              for (let i = 0; i < rows.length; i++) {
                for (let j = 0; j < cols.length; j++)
                  out.data[out.offset + i * out.rowStride + j] = source[rows[i] * sourceWidth + cols[j]];
              }
            },
            planeWindow(actual, width, height),
            alignCorners,
            kernel,
          );
          expect(mismatches(actual, expected)).toEqual([]);
          // Never more than two source rows and columns per output row and column.
          expect(sampled).toBeLessThanOrEqual(Math.min(sourceHeight, 2 * height) * Math.min(sourceWidth, 2 * width));
        });
      }
    }
  }
});

describe('axis subsets', () => {
  it('compactAxis lists each source index once, ascending, and rewrites the table to positions', () => {
    for (const [input, output] of [
      [1920, 448],
      [100, 448],
      [448, 448],
      [2, 1],
    ]) {
      const axis = computeLinearAxisWeights(input, output, true);
      const { sourceIndices, weights } = compactAxis(axis);
      for (let k = 1; k < sourceIndices.length; k++) expect(sourceIndices[k]).toBeGreaterThan(sourceIndices[k - 1]);
      for (let d = 0; d < output; d++) {
        expect(sourceIndices[weights.index0[d]]).toBe(axis.index0[d]);
        expect(sourceIndices[weights.index1[d]]).toBe(axis.index1[d]);
      }
      expect(new Set([...axis.index0, ...axis.index1]).size).toBe(sourceIndices.length);
    }
  });

  it('selectAxisEntries picks entries in the order asked', () => {
    const axis = computeLinearAxisWeights(10, 37, true);
    const picked = selectAxisEntries(axis, Int32Array.of(36, 0, 5, 5));
    expect(Array.from(picked.index0)).toEqual([axis.index0[36], axis.index0[0], axis.index0[5], axis.index0[5]]);
    expect(Array.from(picked.lambda1)).toEqual([axis.lambda1[36], axis.lambda1[0], axis.lambda1[5], axis.lambda1[5]]);
  });
});
