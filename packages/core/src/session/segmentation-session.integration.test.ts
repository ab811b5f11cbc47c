// A real session: ClickPredictor over the embedded default ONNX model in onnxruntime-node. Mask quality is the
// model card's business; this checks the plumbing: states chained through the queue, undo and redo without model
// runs, imported masks, ownership on close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  SegmentationSession,
  SessionClosedError,
  type Click,
  type PredictionEvent,
} from '@simpleclick/core';
import { createNodeModel } from '@simpleclick/core/node';
import { gradientImage } from './test-support/session-test-helpers';
import { DEFAULT_MODEL_PATH, HAVE_DEFAULT_MODEL } from '../../../../test/support/default-model';

if (!HAVE_DEFAULT_MODEL) {
  console.warn(
    `session integration test skipped: model file absent (${DEFAULT_MODEL_PATH}); run the exporter (see models/README)`,
  );
}

// Small image: the zoom-in's 200-pixel minimum clamps every ROI to the whole image, so each run is one 448 crop.
const image = gradientImage(72, 56);
const clicks: Click[] = [
  { xPx: 30, yPx: 20, isPositive: true },
  { xPx: 50, yPx: 40, isPositive: false },
  { xPx: 10, yPx: 45.5, isPositive: true },
];

describe.skipIf(!HAVE_DEFAULT_MODEL)('SegmentationSession with ClickPredictor and the default ONNX model', () => {
  let predictor: ClickPredictor;

  beforeAll(async () => {
    const model = await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 1 });
    predictor = await ClickPredictor.create(model, { preset: 'interactive' });
  });

  afterAll(async () => {
    await predictor?.close();
  });

  it('chains clicks queued during runs, undoes and redoes without the model, and matches direct predictor calls', async () => {
    const session = await SegmentationSession.create(predictor, image);
    expect(session.getState().threshold).toBe(predictor.options.maskThreshold);
    const events: PredictionEvent[] = [];
    session.on('prediction', (event) => events.push(event));

    const states = await Promise.all(clicks.map((click) => session.addClick(click)));
    expect(states.map((state) => state.revision)).toEqual([1, 2, 3]);
    expect(states[2].clicks).toEqual(clicks);
    expect(events.map((event) => event.cause)).toEqual(['click', 'click', 'click']);
    expect(events.every((event) => event.timing.predictMs > 0)).toBe(true);

    // The same clicks through the predictor directly, each call refined by the previous state.
    let previous: Awaited<ReturnType<ClickPredictor['predict']>> | undefined;
    for (let k = 1; k <= clicks.length; k++) {
      previous = await predictor.predict(image, clicks.slice(0, k), previous?.state);
      const direct = previous.probabilities.data;
      const fromSession = events[k - 1].probabilities.data;
      let maxDifference = 0;
      for (let i = 0; i < direct.length; i++)
        maxDifference = Math.max(maxDifference, Math.abs(direct[i] - fromSession[i]));
      expect(maxDifference).toBeLessThan(1e-6);
      expect(Array.from(events[k - 1].mask.data)).toEqual(
        Array.from(previous.toMask(session.getState().threshold).data),
      );
    }

    // Guard against a test that cannot fail: the previous state must matter at least as much as the tolerance.
    const withoutState = await predictor.predict(image, clicks.slice(0, 2));
    let stateEffect = 0;
    for (let i = 0; i < withoutState.probabilities.data.length; i++) {
      stateEffect = Math.max(
        stateEffect,
        Math.abs(withoutState.probabilities.data[i] - events[1].probabilities.data[i]),
      );
    }
    expect(stateEffect).toBeGreaterThan(1e-4);

    const undone = await session.undo();
    expect(undone.clicks).toEqual(clicks.slice(0, 2));
    expect(Array.from(undone.mask.data)).toEqual(Array.from(events[1].mask.data));
    const redone = await session.redo();
    expect(Array.from(redone.mask.data)).toEqual(Array.from(events[2].mask.data));
    expect(events.slice(3).map((event) => [event.cause, event.timing.predictMs])).toEqual([
      ['undo', 0],
      ['redo', 0],
    ]);
    // The session keeps the predictor's ROI regions (whole image here), not copies.
    const stats = session.getHistoryStats();
    expect(stats.retainedStates).toBe(4);
    expect(stats.retainedProbabilityValues).toBe(3 * image.width * image.height);

    // An imported mask becomes the previous-probability input of the next click.
    const imported = new Uint8Array(image.width * image.height);
    for (let y = 10; y < 30; y++) for (let x = 20; x < 40; x++) imported[y * image.width + x] = 1;
    const importedState = await session.importMask({ width: image.width, height: image.height, data: imported });
    expect(importedState.currentObjectId).toBe(2);
    expect(Array.from(importedState.mask.data)).toEqual(Array.from(imported));
    const refined = await session.addClick({ xPx: 25, yPx: 15, isPositive: false });
    const startFromMask = predictor.stateFromMask(image, { width: image.width, height: image.height, data: imported });
    const direct = await predictor.predict(image, [{ xPx: 25, yPx: 15, isPositive: false }], startFromMask);
    expect(Array.from(refined.mask.data)).toEqual(Array.from(direct.toMask(refined.threshold).data));
    expect(session.getLabelMap().objectIds).toEqual([1, 2]);

    await session.close(); // does not own the predictor: it stays usable
    await expect(predictor.predict(image, clicks.slice(0, 1))).resolves.toBeDefined();
  });

  it('closes the predictor (and its model) when it owns it', async () => {
    const model = await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 1 });
    const owned = await ClickPredictor.create(model);
    const session = await SegmentationSession.create(owned, image, { ownsPredictor: true });
    await session.addClick(clicks[0]);
    await session.close();
    await expect(owned.predict(image, clicks.slice(0, 1))).rejects.toBeInstanceOf(SessionClosedError);
  });
});
