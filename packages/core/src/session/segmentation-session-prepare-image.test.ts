// SegmentationSession.create lets the segmenter prepare the image (ClickSegmenter.prepareImage) once its
// arguments are checked, and a failure there does not fail the session: the first click then does the work.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClickPredictor, SegmentationSession, type RgbImage } from '@simpleclick/core';
import { InvalidArgumentError, InvalidImageError, SessionClosedError } from '../errors';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import { expectedDiskMask, gradientImage } from './test-support/session-test-helpers';
import { FakeDiskSegmenter } from './test-support/fake-disk-segmenter';

const image = gradientImage(40, 30);
const click = { xPx: 20, yPx: 15, isPositive: true };

/** The fake disk segmenter with a `prepareImage` of the given behaviour, recording its calls. */
function preparingSegmenter(prepare: (image: RgbImage) => Promise<void>) {
  const segmenter = new FakeDiskSegmenter();
  const prepareImage = vi.fn(prepare);
  return { segmenter: Object.assign(segmenter, { prepareImage }), prepareImage };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SegmentationSession.create prepares the image', () => {
  it('calls prepareImage once, with the session image, and resolves after it', async () => {
    const order: string[] = [];
    const { segmenter, prepareImage } = preparingSegmenter(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('prepared');
    });
    const session = await SegmentationSession.create(segmenter, image);
    order.push('created');
    expect(order).toEqual(['prepared', 'created']);
    expect(prepareImage).toHaveBeenCalledTimes(1);
    expect(prepareImage.mock.calls[0][0].data).toBe(image.data); // the image the clicks will be on (not copied)
    expect(prepareImage.mock.calls[0][0]).toBe(session.image);
    // Clicks, undo and objects do not prepare again.
    await session.addClick(click);
    await session.undo();
    await session.redo();
    await session.finishObject();
    await session.addClick({ xPx: 5, yPx: 5, isPositive: true });
    expect(prepareImage).toHaveBeenCalledTimes(1);
    expect(segmenter.calls.length).toBe(2);
    await session.close();
  });

  it('does not fail when prepareImage rejects or throws; the clicks work as before', async () => {
    const failures: ((image: RgbImage) => Promise<void>)[] = [
      async () => {
        throw new Error('prepare failed');
      },
      (): Promise<void> => {
        throw new Error('prepare threw before returning a promise');
      },
    ];
    for (const failure of failures) {
      const { segmenter, prepareImage } = preparingSegmenter(failure);
      const session = await SegmentationSession.create(segmenter, image);
      expect(prepareImage).toHaveBeenCalledTimes(1);
      const errors: unknown[] = [];
      session.on('error', (event) => errors.push(event.error));
      const state = await session.addClick(click);
      expect(Array.from(state.mask.data)).toEqual(
        Array.from(expectedDiskMask(image.width, image.height, [click], segmenter.radiusPx, state.threshold).data),
      );
      expect(errors).toEqual([]);
      await session.close();
    }
  });

  it('checks its arguments first: bad input rejects with the typed error and prepares nothing', async () => {
    const { segmenter, prepareImage } = preparingSegmenter(async () => undefined);
    await expect(
      SegmentationSession.create(segmenter, { width: 40, height: 30, data: new Uint8Array(7) }),
    ).rejects.toThrow(InvalidImageError);
    await expect(SegmentationSession.create(segmenter, image, { threshold: 2 })).rejects.toThrow(InvalidArgumentError);
    expect(prepareImage).not.toHaveBeenCalled();
  });

  it('works with segmenters without prepareImage', async () => {
    const session = await SegmentationSession.create(new FakeDiskSegmenter(), image);
    await expect(session.addClick(click)).resolves.toMatchObject({ revision: 1 });
    await session.close();
  });
});

/** A model computed in JavaScript that records its inputs (copies: the predictor reuses its buffers). */
class RecordingModel implements SegmentationModel {
  readonly metadata = { variant: 'js', inputSizePx: 16, patchSizePx: 16, trainingData: 'none', version: '0', raw: {} };
  readonly images: Float32Array[] = [];
  async run(input: NetInput): Promise<NetOutput> {
    this.images.push(input.image.slice());
    const plane = input.sizePx * input.sizePx;
    const logits = new Float32Array(input.batchSize * plane);
    for (let i = 0; i < logits.length; i++) {
      const base = Math.floor(i / plane) * 3 * plane + (i % plane);
      logits[i] = 6 * input.clickMaps[base + plane] + input.image[base] - 2;
    }
    return { logits };
  }
  async close(): Promise<void> {}
}

describe('SegmentationSession.create over ClickPredictor', () => {
  it('prepares the whole-image crop once; the first click gives what an unprepared predictor gives, bit for bit', async () => {
    const large = gradientImage(300, 220); // the first click's ROI is the whole image, far more than 16 x 16
    const prepareImage = vi.spyOn(ClickPredictor.prototype, 'prepareImage');
    const model = new RecordingModel();
    const predictor = await ClickPredictor.create(model);
    const session = await SegmentationSession.create(predictor, large);
    expect(prepareImage).toHaveBeenCalledTimes(1);
    const events: Float32Array[] = [];
    session.on('prediction', (event) => events.push(event.probabilities.data));
    const first = { xPx: 150, yPx: 110, isPositive: true };
    await session.addClick(first);

    const reference = new RecordingModel();
    const direct = await (await ClickPredictor.create(reference)).predict(large, [first]);
    const bits = (values: Float32Array) => new Uint32Array(values.slice().buffer);
    expect(bits(model.images[0])).toEqual(bits(reference.images[0]));
    expect(bits(events[0])).toEqual(bits(direct.probabilities.data));
    expect(prepareImage).toHaveBeenCalledTimes(1);
    await session.close();
  });

  it('starts over a closed predictor as before: create resolves, the first click rejects', async () => {
    const predictor = await ClickPredictor.create(new RecordingModel());
    await predictor.close();
    const session = await SegmentationSession.create(predictor, image);
    session.on('error', () => undefined);
    await expect(session.addClick(click)).rejects.toThrow(SessionClosedError);
    await session.close();
  });
});
