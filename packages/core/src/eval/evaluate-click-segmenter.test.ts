import { describe, expect, it } from 'vitest';
import type { Click } from '../clicks/click';
import { createFloatMap, type FloatMap } from '../image/float-map';
import { createRgbImage, type RgbImage } from '../image/rgb-image';
import type { SegmentationModel, NetInput } from '../model/segmentation-model';
import { ClickPredictor } from '../predictor/click-predictor';
import type { ClickSegmenter } from '../predictor/click-segmenter';
import { evaluateDataset } from './evaluate';

const WIDTH = 100;
const HEIGHT = 80;
const image: RgbImage = createRgbImage(WIDTH, HEIGHT, new Uint8Array(WIDTH * HEIGHT * 3).fill(128));

/** A ClickSegmenter whose probability is 0.49 in float32 everywhere except 0.9 in a 3 x 3 box at the last click. */
class RecordingSegmenter implements ClickSegmenter<{ id: number }> {
  readonly previousStates: ({ id: number } | undefined)[] = [];
  private nextId = 1;
  async predict(received: RgbImage, clicks: readonly Click[], previousState: { id: number } | undefined) {
    expect(received).toBe(image);
    this.previousStates.push(previousState);
    const probabilities: FloatMap = createFloatMap(WIDTH, HEIGHT);
    probabilities.data.fill(Math.fround(0.49)); // exactly at the threshold: background (strict >)
    const last = clicks[clicks.length - 1];
    for (let y = last.yPx - 1; y <= last.yPx + 1; y++) {
      for (let x = last.xPx - 1; x <= last.xPx + 1; x++) probabilities.data[y * WIDTH + x] = 0.9;
    }
    return { state: { id: this.nextId++ }, probabilities };
  }
}

// The evaluation drives any ClickSegmenter: per object from an empty state, threading the states it returns.
describe('evaluateDataset with a ClickSegmenter', () => {
  it('starts each object from an empty state, threads the returned state and thresholds strictly in float32', async () => {
    const fake = new RecordingSegmenter();
    // Ground truth: the 3 x 3 box the fake predicts at the first click (the centre of the box); everything else is
    // exactly at the threshold, so only a strict float32 comparison gives IoU 1.
    const gt = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) };
    for (let y = 9; y <= 11; y++) for (let x = 9; x <= 11; x++) gt.data[y * WIDTH + x] = 1;
    const result = await evaluateDataset(
      [
        { id: 'a', image, gt },
        { id: 'b', image, gt },
      ],
      fake,
      { maxClicks: 2, earlyStop: false },
    );
    expect(fake.previousStates).toEqual([undefined, { id: 1 }, undefined, { id: 3 }]);
    expect(result.objects[0].clicks[0]).toEqual({ xPx: 10, yPx: 10, isPositive: true });
    expect(result.objects[0].ious[0]).toBe(1);
    expect(result.objects[0].rois).toBeUndefined();
  });

  it('rejects a threshold outside [0, 1]', async () => {
    const gt = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT).fill(1) };
    await expect(
      evaluateDataset([{ id: 'a', image, gt }], new RecordingSegmenter(), { maskThreshold: 1.5 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it("drives the SDK's ClickPredictor end to end (fake model: object = positive click disks), recording ROIs", async () => {
    const netSizePx = 64;
    let runs = 0;
    const model: SegmentationModel = {
      metadata: {
        variant: 'fake',
        inputSizePx: netSizePx,
        patchSizePx: 16,
        trainingData: 'none',
        version: '0',
        raw: {},
      },
      async run(input: NetInput) {
        runs++;
        const plane = input.sizePx * input.sizePx;
        const logits = new Float32Array(input.batchSize * plane);
        for (let b = 0; b < input.batchSize; b++) {
          for (let i = 0; i < plane; i++) {
            const positive = input.clickMaps[(b * 3 + 1) * plane + i];
            logits[b * plane + i] = positive > 0 ? 8 : -8;
          }
        }
        return { logits };
      },
      async close() {},
    };
    const predictor = await ClickPredictor.create(model, { preset: 'parity' });
    // Ground truth: a disk of radius 12 around (40, 30).
    const gtMask = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) };
    for (let y = 0; y < HEIGHT; y++)
      for (let x = 0; x < WIDTH; x++) gtMask.data[y * WIDTH + x] = (x - 40) ** 2 + (y - 30) ** 2 <= 144 ? 1 : 0;
    const result = await evaluateDataset([{ id: 'toy/disk', image, gt: gtMask }], predictor, {
      maxClicks: 4,
      earlyStop: false,
    });
    const [object] = result.objects;
    expect(object.clicks[0]).toEqual({ xPx: 40, yPx: 30, isPositive: true });
    expect(object.rois).toHaveLength(4);
    expect(object.rois![0]).toEqual({ rowMin: 0, rowMax: HEIGHT - 1, colMin: 0, colMax: WIDTH - 1 });
    expect(object.ious[0]).toBeGreaterThan(0.2);
    expect(runs).toBe(4); // one batch (crop + mirror) per click
    await predictor.close();
  });
});
