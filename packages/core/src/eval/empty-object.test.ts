/** An evaluation object with nothing to click: the SDK's only-negative refusal must not stop the evaluation. */
import { describe, expect, it } from 'vitest';
import { createNodeModel } from '../node/onnx-node';
import { ClickPredictor } from '../predictor/click-predictor';
import { tinyGraphPath } from '../../test-support/tiny-graph';
import { evaluateObject } from './evaluate';

describe('evaluateObject on an object without pixels', () => {
  it("records empty masks for the simulator's negative clicks instead of failing", async () => {
    const predictor = await ClickPredictor.create(await createNodeModel(tinyGraphPath('tiny-s32.onnx')));
    try {
      const width = 40;
      const height = 30;
      const sample = {
        id: 'empty',
        image: { width, height, data: new Uint8Array(width * height * 3).fill(90) },
        gt: { width, height, data: new Uint8Array(width * height) },
      };
      const result = await evaluateObject(sample, predictor, {
        maxClicks: 3,
        minClicks: 1,
        earlyStop: false,
        earlyStopIou: 0.9,
        iouThresholds: [0.85, 0.9],
      });
      expect(result.clicks.every((click) => !click.isPositive)).toBe(true);
      expect(result.ious.length).toBe(3);
    } finally {
      await predictor.close();
    }
  });
});
