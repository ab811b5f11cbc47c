import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEGMENTATION_SESSION_OPTIONS,
  InvalidArgumentError,
  InvalidClickError,
  InvalidImageError,
  ModelContractError,
  SegmentationSession,
  SessionClosedError,
  type PredictionEvent,
  type SessionChangeEvent,
  type SessionErrorEvent,
} from '@simpleclick/core';
import { FakeDiskSegmenter } from './test-support/fake-disk-segmenter';
import { areaPx, expectedDiskMask, gradientImage, settle } from './test-support/session-test-helpers';

const WIDTH = 40;
const HEIGHT = 30;
const RADIUS = 5;
const image = gradientImage(WIDTH, HEIGHT);

async function newSession(segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS }), options = {}) {
  const session = await SegmentationSession.create(segmenter, image, options);
  const predictions: PredictionEvent[] = [];
  const changes: SessionChangeEvent[] = [];
  const errors: SessionErrorEvent[] = [];
  session.on('prediction', (event) => predictions.push(event));
  session.on('change', (event) => changes.push(event));
  session.on('error', (event) => errors.push(event));
  return { session, segmenter, predictions, changes, errors };
}

const expected = (clicks: Parameters<typeof expectedDiskMask>[2], threshold = 0.49) =>
  Array.from(expectedDiskMask(WIDTH, HEIGHT, clicks, RADIUS, threshold).data);

describe('SegmentationSession.create', () => {
  it('fills the options with the named defaults', async () => {
    const { session } = await newSession();
    expect(session.options).toEqual(DEFAULT_SEGMENTATION_SESSION_OPTIONS);
    expect(session.options.threshold).toBe(0.49);
    expect(session.options.maxUndoSteps).toBe(100);
    expect(session.options.ownsPredictor).toBe(false);
    const state = session.getState();
    expect(state.revision).toBe(0);
    expect(state.currentObjectId).toBe(1);
    expect(state.clicks).toEqual([]);
    expect(areaPx(state.mask)).toBe(0);
  });

  it("takes the predictor's maskThreshold as the default threshold", async () => {
    const segmenter = Object.assign(new FakeDiskSegmenter(), { options: { maskThreshold: 0.7 } });
    expect((await SegmentationSession.create(segmenter, image)).getState().threshold).toBe(0.7);
    expect((await SegmentationSession.create(segmenter, image, { threshold: 0.2 })).getState().threshold).toBe(0.2);
    expect((await SegmentationSession.create(segmenter, image, { threshold: undefined })).getState().threshold).toBe(
      0.7,
    );
  });

  it('rejects a bad predictor, image or option', async () => {
    await expect(SegmentationSession.create({} as never, image)).rejects.toBeInstanceOf(InvalidArgumentError);
    const badImage = { width: 4, height: 4, data: new Uint8Array(10) };
    await expect(SegmentationSession.create(new FakeDiskSegmenter(), badImage)).rejects.toBeInstanceOf(
      InvalidImageError,
    );
    for (const options of [{ threshold: 1.5 }, { maxUndoSteps: -1 }, { maxUndoSteps: 2.5 }, { labelMapOverlap: 'x' }]) {
      await expect(SegmentationSession.create(new FakeDiskSegmenter(), image, options as never)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });
});

describe('clicks, undo, redo, reset', () => {
  it('runs the predictor per click and emits the mask, probabilities, clicks, timing and revision', async () => {
    const { session, segmenter, predictions, changes } = await newSession();
    const first = { xPx: 10, yPx: 10, isPositive: true };
    const state1 = await session.addClick(first);
    expect(state1.revision).toBe(1);
    expect(state1.clicks).toEqual([first]);
    expect(Array.from(state1.mask.data)).toEqual(expected([first]));
    expect(predictions).toHaveLength(1);
    const event = predictions[0];
    expect(event.cause).toBe('click');
    expect(event.revision).toBe(1);
    expect(event.objectId).toBe(1);
    expect(event.clicks).toEqual([first]);
    expect(Array.from(event.mask.data)).toEqual(expected([first]));
    expect(event.probabilities.width).toBe(WIDTH);
    expect(event.probabilities.data[10 * WIDTH + 10]).toBe(1);
    expect(event.probabilities.data[0]).toBe(0);
    expect(event.timing.predictMs).toBeGreaterThanOrEqual(0);
    expect(event.timing.totalMs).toBeGreaterThanOrEqual(event.timing.predictMs);
    expect(changes.map((change) => change.revision)).toEqual([1]);

    const second = { xPx: 12, yPx: 10, isPositive: false };
    const state2 = await session.addClick(second);
    expect(state2.clicks).toEqual([first, second]);
    expect(Array.from(state2.mask.data)).toEqual(expected([first, second]));
    // The segmenter got the full click list and the state it returned for the previous click.
    expect(segmenter.calls.map((call) => call.clicks.length)).toEqual([1, 2]);
    expect(segmenter.calls[0].previousStateId).toBeUndefined();
    expect(segmenter.calls[1].previousStateId).toBeDefined();
  });

  it('undoes, redoes and resets without running the model, and a new click drops the redo steps', async () => {
    const { session, segmenter, predictions } = await newSession();
    const a = { xPx: 5, yPx: 5, isPositive: true };
    const b = { xPx: 30, yPx: 20, isPositive: true };
    const c = { xPx: 20, yPx: 15, isPositive: true };
    await session.addClick(a);
    await session.addClick(b);
    const undone = await session.undo();
    expect(undone.clicks).toEqual([a]);
    expect(Array.from(undone.mask.data)).toEqual(expected([a]));
    expect(undone.canRedo).toBe(true);
    const redone = await session.redo();
    expect(redone.clicks).toEqual([a, b]);
    expect(Array.from(redone.mask.data)).toEqual(expected([a, b]));
    const reset = await session.reset();
    expect(reset.clicks).toEqual([]);
    expect(areaPx(reset.mask)).toBe(0);
    const afterResetUndo = await session.undo();
    expect(afterResetUndo.clicks).toEqual([a, b]);
    expect(segmenter.calls).toHaveLength(2);
    expect(predictions.map((event) => event.cause)).toEqual(['click', 'click', 'undo', 'redo', 'reset', 'undo']);
    expect(predictions.every((event) => event.cause === 'click' || event.timing.predictMs === 0)).toBe(true);

    await session.undo();
    const branched = await session.addClick(c);
    expect(branched.clicks).toEqual([a, c]);
    expect(branched.canRedo).toBe(false);
    // After a click the model continues from the state of [a], not from the undone [a, b].
    expect(segmenter.calls[2].previousStateId).toBe(segmenter.calls[1].previousStateId);
  });

  it('treats undo and redo with nothing to do as no-ops (no revision, no event)', async () => {
    const { session, predictions } = await newSession();
    const state = await session.undo();
    expect(state.revision).toBe(0);
    expect((await session.redo()).revision).toBe(0);
    expect((await session.reset()).revision).toBe(0);
    expect(predictions).toHaveLength(0);
  });

  it('rejects invalid clicks at once with InvalidClickError and changes nothing', async () => {
    const { session, segmenter, changes } = await newSession();
    await session.addClick({ xPx: 1, yPx: 1, isPositive: true });
    const bad = [
      { xPx: Number.NaN, yPx: 1, isPositive: true },
      { xPx: 1, yPx: Number.POSITIVE_INFINITY, isPositive: true },
      { xPx: -0.5, yPx: 1, isPositive: true },
      { xPx: WIDTH, yPx: 1, isPositive: true },
      { xPx: 1, yPx: HEIGHT, isPositive: false },
      { xPx: 1, yPx: 1, isPositive: 'yes' },
      null,
    ];
    for (const click of bad) {
      await expect(session.addClick(click as never)).rejects.toBeInstanceOf(InvalidClickError);
    }
    expect(segmenter.calls).toHaveLength(1);
    expect(session.revision).toBe(1);
    expect(session.getState().clicks).toHaveLength(1);
    expect(changes).toHaveLength(1);
    // Fractional coordinates inside the image are fine (clicks converted from percent).
    await expect(session.addClick({ xPx: WIDTH - 0.01, yPx: 0, isPositive: true })).resolves.toBeDefined();
  });

  it('keeps a copy of the click, so mutating the caller object later changes nothing', async () => {
    const { session } = await newSession();
    const click = { xPx: 3, yPx: 4, isPositive: true };
    await session.addClick(click);
    click.xPx = 39;
    expect(session.getState().clicks[0].xPx).toBe(3);
  });
});

describe('model failures', () => {
  it('rejects with the error, emits error, and stays at the state before the click', async () => {
    const { session, segmenter, errors, predictions } = await newSession();
    const a = { xPx: 10, yPx: 10, isPositive: true };
    const before = await session.addClick(a);
    const failure = new Error('GPU lost');
    segmenter.failOnCall.set(1, failure);
    const b = { xPx: 20, yPx: 20, isPositive: true };
    await expect(session.addClick(b)).rejects.toBe(failure);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ operation: 'click', error: failure, click: b, revision: before.revision });
    const after = session.getState();
    expect(after).toBe(before);
    expect(Array.from(session.getMask().data)).toEqual(expected([a]));
    expect(predictions).toHaveLength(1);
    // The next click continues from the last good state.
    const next = await session.addClick(b);
    expect(next.clicks).toEqual([a, b]);
    expect(segmenter.calls[2].previousStateId).toBe(segmenter.calls[1].previousStateId);
  });

  it('rejects with ModelContractError when the segmenter answers with a wrong-size map', async () => {
    const segmenter = {
      predict: async () => ({ state: 1, probabilities: { width: 2, height: 2, data: new Float32Array(4) } }),
    };
    const session = await SegmentationSession.create(segmenter, image);
    const errors: SessionErrorEvent[] = [];
    session.on('error', (event) => errors.push(event));
    await expect(session.addClick({ xPx: 1, yPx: 1, isPositive: true })).rejects.toBeInstanceOf(ModelContractError);
    expect(errors).toHaveLength(1);
    expect(session.revision).toBe(0);
  });

  it('reports a throwing listener through error and keeps working', async () => {
    const { session, errors } = await newSession();
    session.on('prediction', () => {
      throw new Error('listener bug');
    });
    const state = await session.addClick({ xPx: 10, yPx: 10, isPositive: true });
    expect(state.revision).toBe(1);
    expect(errors.map((event) => event.operation)).toEqual(['listener']);
    expect((await session.undo()).revision).toBe(2);
  });
});

describe('threshold', () => {
  it('re-thresholds the kept probabilities without running the model', async () => {
    const { session, segmenter, predictions } = await newSession();
    const a = { xPx: 20, yPx: 15, isPositive: true };
    await session.addClick(a);
    const full = areaPx(session.getMask());
    const state = await session.setThreshold(0.75);
    expect(state.threshold).toBe(0.75);
    expect(Array.from(state.mask.data)).toEqual(expected([a], 0.75));
    expect(areaPx(state.mask)).toBeLessThan(full);
    expect(segmenter.calls).toHaveLength(1);
    expect(predictions.at(-1)).toMatchObject({ cause: 'set-threshold', threshold: 0.75 });
    // Clicks after the change use the new threshold too.
    const b = { xPx: 5, yPx: 5, isPositive: true };
    expect(Array.from((await session.addClick(b)).mask.data)).toEqual(expected([a, b], 0.75));
    expect((await session.setThreshold(0.75)).revision).toBe(state.revision + 1); // unchanged: no-op
  });

  it('rejects thresholds outside [0, 1]', async () => {
    const { session } = await newSession();
    for (const threshold of [-0.1, 1.1, Number.NaN]) {
      await expect(session.setThreshold(threshold)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(session.revision).toBe(0);
  });
});

describe('close', () => {
  it('rejects every later call with SessionClosedError and emits closed once', async () => {
    const { session, segmenter } = await newSession();
    let closedEvents = 0;
    session.on('closed', () => closedEvents++);
    await session.addClick({ xPx: 1, yPx: 1, isPositive: true });
    await session.close();
    await session.close();
    expect(closedEvents).toBe(1);
    expect(session.isClosed).toBe(true);
    const calls = [
      session.addClick({ xPx: 1, yPx: 1, isPositive: true }),
      session.undo(),
      session.redo(),
      session.reset(),
      session.finishObject(),
      session.selectObject(1),
      session.deleteObject(1),
      session.setThreshold(0.5),
      session.importMask({ width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) }),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(SessionClosedError);
    expect(() => session.getState()).toThrow(SessionClosedError);
    expect(() => session.getMask()).toThrow(SessionClosedError);
    expect(() => session.getLabelMap()).toThrow(SessionClosedError);
    expect(() => session.toSnapshot()).toThrow(SessionClosedError);
    // Not owned by default: the predictor stays open for other sessions.
    expect(segmenter.closeCount).toBe(0);
  });

  it('closes the predictor when it owns it', async () => {
    const { session, segmenter } = await newSession(undefined, { ownsPredictor: true });
    await session.close();
    expect(segmenter.closeCount).toBe(1);
  });

  it('rejects waiting operations, drops the running one, and closes the predictor only after the run ends', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: 30 });
    const { session, predictions } = await newSession(segmenter, { ownsPredictor: true });
    const running = settle(session.addClick({ xPx: 10, yPx: 10, isPositive: true }));
    const waiting = settle(session.addClick({ xPx: 12, yPx: 10, isPositive: true }));
    const closing = session.close();
    expect(segmenter.closeCount).toBe(0);
    await closing;
    expect(segmenter.runningNow).toBe(0);
    expect(segmenter.closeCount).toBe(1);
    expect((await running).error).toBeInstanceOf(SessionClosedError);
    expect((await waiting).error).toBeInstanceOf(SessionClosedError);
    expect(segmenter.calls).toHaveLength(1);
    expect(predictions).toHaveLength(0);
  });
});
