// Cross-check of the click simulator with the Python reference (python/simpleclick/clicker.py) on real GrabCut
// and Berkeley ground truths: each step's prediction is built by the same rule as in
// test/fixtures/eval/make_next_click_fixture.py (shifted ground truth, optionally a rectangle toggled).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/eval/next-click-reference.json';
import { ClickSimulator } from '../eval/click-simulator';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import { readGroundTruthFile } from './decode-mask';
import { NO_DATA_MESSAGE, findDataRoot } from './test-support';

const dataRoot = findDataRoot();

interface Step {
  readonly dx: number;
  readonly dy: number;
  readonly empty?: boolean;
  readonly toggle?: readonly number[];
}

/** The fixture's prediction rule: gt shifted by (dx, dy) with zero fill, then the inclusive rectangle inverted. */
function predictionFor(gt: BinaryMask, step: Step): BinaryMask {
  const { width, height } = gt;
  const out = createBinaryMask(width, height);
  if (step.empty) return out;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sourceX = x - step.dx;
      const sourceY = y - step.dy;
      if (sourceX >= 0 && sourceY >= 0 && sourceX < width && sourceY < height) {
        out.data[y * width + x] = gt.data[sourceY * width + sourceX];
      }
    }
  }
  if (step.toggle) {
    const [x0, y0, x1, y1] = step.toggle;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.data[y * width + x] ^= 1;
  }
  return out;
}

describe.skipIf(!dataRoot || reference.sequences.length === 0)(
  'ClickSimulator vs the Python reference on real masks',
  () => {
    if (!dataRoot) console.warn(NO_DATA_MESSAGE);
    for (const sequence of reference.sequences) {
      it(`${sequence.mask}: the same ${sequence.expectedClicks.length} clicks`, async () => {
        const { gt, ignore } = await readGroundTruthFile(resolve(dataRoot!, sequence.mask), 'grabcut');
        const simulator = ClickSimulator.create(gt, ignore);
        for (const step of sequence.steps as Step[]) simulator.addNextClick(predictionFor(gt, step));
        expect(simulator.clicks).toEqual(sequence.expectedClicks);
      });
    }
  },
);
