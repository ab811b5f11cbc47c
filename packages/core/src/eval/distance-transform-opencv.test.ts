// Cross-check against OpenCV: the fixture holds cv2.distanceTransform(mask, DIST_L2, 0) for random masks,
// written by test/fixtures/eval/make_opencv_eval_reference.py.
import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/eval/opencv-eval-reference.json';
import { euclideanDistanceTransform } from './distance-transform';

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

describe('euclideanDistanceTransform vs OpenCV (precise DIST_L2)', () => {
  it(`matches cv2 ${reference.opencv} bit for bit on ${reference.cases.length} random masks`, () => {
    for (const [index, testCase] of reference.cases.entries()) {
      const mask = bytesOf(testCase.mask);
      const expected = new Float32Array(bytesOf(testCase.distance).buffer);
      const actual = euclideanDistanceTransform(mask, testCase.width, testCase.height);
      const mismatches = actual.reduce((count, value, i) => count + (value === expected[i] ? 0 : 1), 0);
      expect(mismatches, `case ${index} (${testCase.width} x ${testCase.height})`).toBe(0);
    }
  });
});
