// The session over the SDK's ClickPredictor, with a model computed in JavaScript whose input size (S = 16) is
// far below the image's, so predictions on large ROIs keep S x S probabilities (ResizedFloatMap). Checks that the
// session shares them without building full-size or ROI-size maps, and that what it shows equals the predictor's
// own (materialised) results.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClickPredictor, SegmentationSession, type Click, type PredictionEvent } from '@simpleclick/core';
import { ResizedFloatMap } from '../image/resized-float-map';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import { gradientImage } from './test-support/session-test-helpers';

const S = 16;
const WIDTH = 120;
const HEIGHT = 90;
const image = gradientImage(WIDTH, HEIGHT);

/** Logits rise near positive disks and where the previous mask was, fall near negative disks. */
class JavaScriptModel implements SegmentationModel {
  readonly metadata = { variant: 'js', inputSizePx: S, patchSizePx: 16, trainingData: 'none', version: '0', raw: {} };
  async run(input: NetInput): Promise<NetOutput> {
    const plane = input.sizePx * input.sizePx;
    const logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      const base = b * 3 * plane;
      for (let i = 0; i < plane; i++) {
        const maps = input.clickMaps;
        logits[b * plane + i] =
          6 * (maps[base + plane + i] - maps[base + 2 * plane + i]) + 4 * maps[base + i] + input.image[base + i] - 2.2;
      }
    }
    return { logits };
  }
  async close(): Promise<void> {}
}

const clicks: Click[] = [
  { xPx: 60, yPx: 45, isPositive: true },
  { xPx: 20, yPx: 70, isPositive: true },
  { xPx: 100, yPx: 10, isPositive: false },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SegmentationSession with ClickPredictor states kept at network resolution', () => {
  it('shows the predictor results without building full-size maps unless asked', async () => {
    // Without boundary refinement (on in the interactive preset): a refined state is kept at ROI size, and this
    // test is about the states kept at network resolution.
    const predictor = await ClickPredictor.create(new JavaScriptModel(), {
      preset: 'interactive',
      boundaryRefinement: false,
    });
    const session = await SegmentationSession.create(predictor, image);
    const events: PredictionEvent[] = [];
    session.on('prediction', (event) => events.push(event));
    const writeTo = vi.spyOn(ResizedFloatMap.prototype, 'writeTo');
    const toFloatMap = vi.spyOn(ResizedFloatMap.prototype, 'toFloatMap');

    for (const click of clicks) await session.addClick(click);
    await session.undo();
    await session.redo();
    session.getMask();
    session.getLabelMap();
    session.toSnapshot();
    // Masks, label maps and snapshots come from the cells; the events' probabilities were not read.
    expect(writeTo).not.toHaveBeenCalled();
    expect(toFloatMap).not.toHaveBeenCalled();

    // The same clicks through the predictor directly.
    let state: Awaited<ReturnType<ClickPredictor['predict']>>['state'] | undefined;
    let networkStates = 0;
    for (let k = 1; k <= clicks.length; k++) {
      const direct = await predictor.predict(image, clicks.slice(0, k), state);
      state = direct.state;
      if (direct.state.resizedRegionProbabilities !== null) networkStates++;
      const event = events[k - 1];
      expect(Array.from(event.mask.data)).toEqual(Array.from(direct.toMask(event.threshold).data));
      expect(Array.from(event.probabilities.data)).toEqual(Array.from(direct.probabilities.data));
      expect(event.probabilities.data).toBe(event.probabilities.data); // built once, then kept
    }
    expect(networkStates).toBe(clicks.length); // the image is under the 200-pixel minimum: every ROI is all of it
    expect(Array.from(session.getProbabilities().data)).toEqual(Array.from(events.at(-1)!.probabilities.data));
    expect(Array.from(session.getMask().data)).toEqual(Array.from(events.at(-1)!.mask.data));
    const labels = session.getLabelMap();
    expect(Array.from(labels.data, (id) => (id === 1 ? 1 : 0))).toEqual(Array.from(session.getMask().data));

    // Re-thresholding works on the kept S x S values.
    const rethresholded = await session.setThreshold(0.3);
    const lastState = state!;
    expect(Array.from(rethresholded.mask.data)).toEqual(Array.from(lastState.toMask(0.3).data));

    // Memory: S x S values per state kept at network resolution (the empty start state holds none).
    const stats = session.getHistoryStats();
    expect(stats.retainedStates).toBe(4);
    expect(stats.retainedProbabilityValues).toBe(3 * S * S);
    await session.close();
  });
});
