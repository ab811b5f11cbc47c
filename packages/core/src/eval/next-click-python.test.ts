// Cross-check with the independent Python reference simulator (python/simpleclick/clicker.py, which runs OpenCV's
// distance transform): single steps on random masks, written by test/fixtures/eval/make_next_click_fixture.py.
// The real-data sequences of the same fixture are checked in node/next-click-real-data.test.ts.
import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/eval/next-click-reference.json';
import { findNextClick } from './next-click';

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

describe('findNextClick vs the Python reference clicker', () => {
  it(`gives the same click on ${reference.random.length} random cases (first clicks, ties, ignore, clicked pixels, no error)`, () => {
    const mismatches: string[] = [];
    for (const [index, testCase] of reference.random.entries()) {
      const { width, height } = testCase;
      const mask = (base64: string) => ({ width, height, data: bytesOf(base64) });
      const click = findNextClick({
        gt: mask(testCase.gt),
        prediction: mask(testCase.prediction),
        ignore: mask(testCase.ignore),
        clicked: bytesOf(testCase.clicked),
      });
      if (JSON.stringify(click) !== JSON.stringify(testCase.expected)) {
        mismatches.push(`case ${index}: ${JSON.stringify(click)} vs ${JSON.stringify(testCase.expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
