/** Issue 10 items on the predictor: only-negative clicks refused, caches and buffers released. */
import { describe, expect, it } from 'vitest';
import { NoPositiveClickError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import { collectGarbage } from '../../test-support/collect-garbage';
import { ClickPredictor } from './click-predictor';

const S = 32;

/** Logits +4 on the positive disks, -4 elsewhere; counts runs. */
class CountingModel implements SegmentationModel {
  readonly metadata = { variant: 'fake', inputSizePx: S, patchSizePx: 16, trainingData: 'none', version: '0', raw: {} };
  runs = 0;
  async run(input: NetInput): Promise<NetOutput> {
    this.runs += 1;
    const plane = S * S;
    const logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      for (let i = 0; i < plane; i++) logits[b * plane + i] = input.clickMaps[b * 3 * plane + plane + i] > 0 ? 4 : -4;
    }
    return { logits };
  }
  async close(): Promise<void> {}
}

function makeImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(100) };
}

describe('ClickPredictor and only negative clicks', () => {
  it('refuses negative clicks on an empty object with NoPositiveClickError, without running the model', async () => {
    const model = new CountingModel();
    const predictor = await ClickPredictor.create(model);
    const image = makeImage(64, 48);
    const negative = { xPx: 10, yPx: 10, isPositive: false };
    await expect(predictor.predict(image, [negative])).rejects.toBeInstanceOf(NoPositiveClickError);
    await expect(predictor.predict(image, [negative, negative], predictor.emptyState(image))).rejects.toBeInstanceOf(
      NoPositiveClickError,
    );
    expect(model.runs).toBe(0);
    // With a mask to refine, negative clicks alone are meaningful.
    const mask = { width: 64, height: 48, data: new Uint8Array(64 * 48).fill(1) };
    const carved = await predictor.predict(image, [negative], predictor.stateFromMask(image, mask));
    expect(carved.toMask().data[10 * 64 + 10]).toBe(0);
    // A list with a positive click is accepted whatever its order.
    await expect(predictor.predict(image, [negative, { xPx: 30, yPx: 30, isPositive: true }])).resolves.toBeDefined();
    await predictor.close();
  });
});

describe('ClickPredictor releases what it keeps of an image', () => {
  async function predictorThatSaw(release: 'close' | 'releaseImage') {
    const predictor = await ClickPredictor.create(new CountingModel());
    const image = makeImage(400, 300);
    const pixels = new WeakRef(image.data);
    await predictor.prepareImage(image);
    await predictor.predict(image, [{ xPx: 200, yPx: 150, isPositive: true }]);
    if (release === 'close') await predictor.close();
    else predictor.releaseImage(image);
    // Nothing here keeps `image` once this function returns: the WeakRef is all that is left of its pixels.
    return { predictor, pixels };
  }

  for (const release of ['close', 'releaseImage'] as const) {
    it(`lets the image be collected after ${release}() while the predictor is still referenced`, async () => {
      const { predictor, pixels } = await predictorThatSaw(release);
      await collectGarbage();
      expect(pixels.deref()).toBeUndefined();
      expect(predictor.netSizePx).toBe(S);
    });
  }

  it('gives the same result after releaseImage (the crop is recomputed)', async () => {
    const predictor = await ClickPredictor.create(new CountingModel());
    const image = makeImage(80, 60);
    const clicks = [{ xPx: 20, yPx: 20, isPositive: true }];
    const first = (await predictor.predict(image, clicks)).toMask();
    predictor.releaseImage(image);
    const second = (await predictor.predict(image, clicks)).toMask();
    expect(Array.from(second.data)).toEqual(Array.from(first.data));
    await predictor.close();
  });
});
