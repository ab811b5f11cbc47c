// The ssTEM loader numbers instances with the mask module's labelConnectedComponents (4-connectivity); this
// checks that numbering against cv2.connectedComponents(connectivity=4), which the official ssTEM loader uses.
import { describe, expect, it } from 'vitest';
import reference from '../../../../../test/fixtures/eval/opencv-eval-reference.json';
import { labelConnectedComponents } from '../../mask/connected-components';

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

describe('4-connected labelling as the ssTEM loader uses it', () => {
  it(`numbers components exactly like cv2.connectedComponents(connectivity=4) on ${reference.cases.length} random masks`, () => {
    for (const [index, testCase] of reference.cases.entries()) {
      const mask = { width: testCase.width, height: testCase.height, data: bytesOf(testCase.mask) };
      const expected = new Uint16Array(bytesOf(testCase.labels).buffer);
      const { labels, count } = labelConnectedComponents(mask, { connectivity: 4 });
      expect(count, `case ${index}`).toBe(testCase.count);
      expect(Array.from(labels), `case ${index}`).toEqual(Array.from(expected));
    }
  });
});
