import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import fixture from './__fixtures__/resize-bilinear.json';
import { computeLinearAxisWeights, resizeBilinearPlanar, resizeFloatMap } from './resize-bilinear';
import { resizeRgbRegionToPlanar } from './resize-rgb-region';
import { rgbImageToPlanarFloat } from './rgb-to-planar-float';

// Reference values come from PyTorch (packages/core/scripts/make-resize-fixture.py), not from this code.

function decodeBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function decodeFloat32(base64: string): Float32Array {
  const bytes = decodeBytes(base64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Indices where the two arrays differ in any bit (NaN-safe), for a readable failure. */
function mismatches(actual: Float32Array, expected: Float32Array): number[] {
  expect(actual.length).toBe(expected.length);
  const bad: number[] = [];
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) bad.push(i);
  return bad;
}

describe(`resizeFloatMap matches torch.nn.functional.interpolate bilinear (torch ${fixture.torchVersion})`, () => {
  for (const testCase of fixture.floatCases) {
    const name = `${testCase.torchKernel} kernel, ${testCase.planes} plane(s) ${testCase.inputHeight}x${testCase.inputWidth} -> ${testCase.outputHeight}x${testCase.outputWidth}, align_corners=${testCase.alignCorners}`;
    it(`${name}, bit for bit`, () => {
      const input = decodeFloat32(testCase.input);
      const expected = decodeFloat32(testCase.output);
      const options = { alignCorners: testCase.alignCorners };
      if (testCase.planes === 1) {
        // One plane: the defaults must pick PyTorch's channels-last kernel.
        const resized = resizeFloatMap(
          { width: testCase.inputWidth, height: testCase.inputHeight, data: input },
          testCase.outputWidth,
          testCase.outputHeight,
          options,
        );
        expect(resized.width).toBe(testCase.outputWidth);
        expect(resized.height).toBe(testCase.outputHeight);
        expect(mismatches(resized.data, expected)).toEqual([]);
      } else {
        const resized = resizeBilinearPlanar(
          input,
          testCase.inputWidth,
          testCase.inputHeight,
          testCase.planes,
          testCase.outputWidth,
          testCase.outputHeight,
          options,
        );
        expect(mismatches(resized, expected)).toEqual([]);
      }
    });
  }
});

describe('resizeRgbRegionToPlanar matches ToTensor + crop + interpolate(align_corners=True)', () => {
  const image = {
    width: fixture.rgbImage.width,
    height: fixture.rgbImage.height,
    data: decodeBytes(fixture.rgbImage.data),
  };
  for (const testCase of fixture.rgbCases) {
    it(`ROI ${JSON.stringify(testCase.roi)} -> ${testCase.outputHeight}x${testCase.outputWidth}`, () => {
      const planeSize = testCase.outputWidth * testCase.outputHeight;
      const target = new Float32Array(5 + 3 * planeSize);
      resizeRgbRegionToPlanar(image, testCase.roi, target, 5, testCase.outputWidth, testCase.outputHeight);
      expect(target.subarray(0, 5)).toEqual(new Float32Array(5));
      expect(mismatches(target.subarray(5), decodeFloat32(testCase.output))).toEqual([]);
    });
  }

  it('equals converting the whole image to planes and resizing those with the generic kernel', () => {
    const planes = rgbImageToPlanarFloat(image);
    const viaPlanes = resizeBilinearPlanar(planes, image.width, image.height, 3, 19, 17);
    const direct = new Float32Array(3 * 19 * 17);
    resizeRgbRegionToPlanar(
      image,
      { rowMin: 0, rowMax: image.height - 1, colMin: 0, colMax: image.width - 1 },
      direct,
      0,
      19,
      17,
    );
    expect(mismatches(direct, viaPlanes)).toEqual([]);
  });
});

describe('the two kernels', () => {
  it('differ in the last bit somewhere, so choosing the right one matters', () => {
    const testCase = fixture.floatCases.find((c) => c.planes === 2 && c.inputHeight === 15 && c.alignCorners)!;
    const input = decodeFloat32(testCase.input);
    const generic = resizeBilinearPlanar(
      input,
      testCase.inputWidth,
      testCase.inputHeight,
      2,
      testCase.outputWidth,
      testCase.outputHeight,
      { alignCorners: true, torchKernel: 'generic' },
    );
    const channelsLast = resizeBilinearPlanar(
      input,
      testCase.inputWidth,
      testCase.inputHeight,
      2,
      testCase.outputWidth,
      testCase.outputHeight,
      { alignCorners: true, torchKernel: 'channels-last' },
    );
    const differing = mismatches(generic, channelsLast).length;
    expect(differing).toBeGreaterThan(0);
    let maxDifference = 0;
    for (let i = 0; i < generic.length; i++)
      maxDifference = Math.max(maxDifference, Math.abs(generic[i] - channelsLast[i]));
    expect(maxDifference).toBeLessThan(1e-6);
  });
});

describe('computeLinearAxisWeights', () => {
  it('copies an axis whose size does not change', () => {
    const weights = computeLinearAxisWeights(5, 5, true);
    expect(Array.from(weights.index0)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(weights.lambda1)).toEqual([0, 0, 0, 0, 0]);
  });

  it('maps corners onto corners with align_corners', () => {
    const weights = computeLinearAxisWeights(4, 7, true);
    expect(weights.index0[0]).toBe(0);
    expect(weights.index1[6]).toBe(3);
    expect(weights.lambda1[6] + weights.index0[6]).toBeCloseTo(3, 6);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => computeLinearAxisWeights(0, 3, true)).toThrow(InvalidArgumentError);
    expect(() => resizeFloatMap({ width: 2, height: 2, data: new Float32Array(4) }, 2.5, 2)).toThrow(
      InvalidArgumentError,
    );
    expect(() => resizeFloatMap({ width: 2, height: 2, data: new Float32Array(3) }, 2, 2)).toThrow(
      InvalidArgumentError,
    );
  });
});
