import { describe, expect, it } from 'vitest';
import { SegmentationSession, type Click, type PredictionEvent, type SessionState } from '@simpleclick/core';
import { FakeDiskSegmenter } from './test-support/fake-disk-segmenter';
import { expectedDiskMask, gradientImage, settle } from './test-support/session-test-helpers';

const WIDTH = 40;
const HEIGHT = 30;
const RADIUS = 4;
const image = gradientImage(WIDTH, HEIGHT);

const clickAt = (i: number, isPositive = true): Click => ({ xPx: (i * 7) % WIDTH, yPx: (i * 5) % HEIGHT, isPositive });

describe('queuing and ordering', () => {
  it('runs clicks that arrive during a run one at a time, in order, answering in call order', async () => {
    // Later calls answer faster: run in parallel, they would finish first.
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: (call) => 40 - call * 8 });
    const session = await SegmentationSession.create(segmenter, image);
    const events: PredictionEvent[] = [];
    session.on('prediction', (event) => events.push(event));
    const clicks = [0, 1, 2, 3, 4].map((i) => clickAt(i, i !== 2));
    const settledOrder: number[] = [];
    const promises = clicks.map((click, i) =>
      session.addClick(click).then((state) => {
        settledOrder.push(i);
        return state;
      }),
    );
    expect(session.pendingOperations).toBe(5);
    const states = await Promise.all(promises);
    expect(settledOrder).toEqual([0, 1, 2, 3, 4]);
    expect(segmenter.maxRunningAtOnce).toBe(1);
    states.forEach((state, i) => expect(state.clicks).toEqual(clicks.slice(0, i + 1)));
    expect(events.map((event) => event.revision)).toEqual([1, 2, 3, 4, 5]);
    // Each run continued from the state the run before it produced.
    for (let i = 1; i < 5; i++) expect(segmenter.calls[i].clicks).toEqual(clicks.slice(0, i + 1));
    const finalMask = expectedDiskMask(WIDTH, HEIGHT, clicks, RADIUS, 0.49);
    expect(Array.from(states[4].mask.data)).toEqual(Array.from(finalMask.data));
    // Later clicks waited for earlier ones.
    expect(events[4].timing.queuedMs).toBeGreaterThan(events[0].timing.queuedMs);
  });

  it('applies undo, redo and object operations queued behind a running click in call order', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: 15 });
    const session = await SegmentationSession.create(segmenter, image);
    const a = clickAt(1);
    const b = clickAt(2);
    const results = await Promise.all([
      session.addClick(a),
      session.finishObject(),
      session.addClick(b),
      session.selectObject(1),
      session.undo(),
      session.redo(),
    ]);
    expect(results.map((state) => state.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results[1].currentObjectId).toBe(2);
    expect(results[2].clicks).toEqual([b]);
    expect(results[3]).toMatchObject({ currentObjectId: 1, clicks: [a] });
    expect(results[4]).toMatchObject({ currentObjectId: 1, clicks: [] });
    expect(results[5]).toMatchObject({ currentObjectId: 1, clicks: [a] });
  });

  it('lets an undo cancel a click that has not started: the model never runs for it', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: 20 });
    const session = await SegmentationSession.create(segmenter, image);
    const a = clickAt(1);
    const b = clickAt(2);
    const c = clickAt(3);
    const order: string[] = [];
    const track = (name: string, promise: Promise<SessionState>) =>
      promise.then((state) => {
        order.push(name);
        return state;
      });
    const pa = track('a', session.addClick(a)); // starts at once
    const pb = track('b', session.addClick(b)); // waits
    const pc = track('c', session.addClick(c)); // waits
    const pu1 = track('undo1', session.undo()); // cancels c
    const pu2 = track('undo2', session.undo()); // cancels b
    const pu3 = track('undo3', session.undo()); // a is running: a real undo after it
    const [sa, sb, sc, su1, su2, su3] = await Promise.all([pa, pb, pc, pu1, pu2, pu3]);
    expect(order).toEqual(['a', 'b', 'c', 'undo1', 'undo2', 'undo3']);
    expect(segmenter.calls.map((call) => call.clicks)).toEqual([[a]]);
    expect(sa.clicks).toEqual([a]);
    // Cancelled operations resolve with the state as it is in their turn; nothing changed for them.
    for (const state of [sb, sc, su1, su2]) expect(state).toBe(sa);
    expect(su3.clicks).toEqual([]);
    expect(su3.revision).toBe(2);
    // The cancelled clicks cannot be redone; the real undo can.
    expect((await session.redo()).clicks).toEqual([a]);
    expect((await session.redo()).revision).toBe(3);
  });

  it('with coalescing off, queued clicks run and are then undone', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: 10 });
    const session = await SegmentationSession.create(segmenter, image, { coalesceUndoOfWaitingClick: false });
    const [, , undone] = await Promise.all([
      session.addClick(clickAt(1)),
      session.addClick(clickAt(2)),
      session.undo(),
    ]);
    expect(segmenter.calls).toHaveLength(2);
    expect(undone.clicks).toEqual([clickAt(1)]);
    expect(undone.canRedo).toBe(true);
  });

  it('keeps the queue going after a failed click, against the state before it', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS, delayMs: 5 });
    segmenter.failOnCall.set(1, new Error('boom'));
    const session = await SegmentationSession.create(segmenter, image);
    const results = await Promise.all([
      settle(session.addClick(clickAt(1))),
      settle(session.addClick(clickAt(2))),
      settle(session.addClick(clickAt(3))),
    ]);
    expect(results[1].error).toEqual(new Error('boom'));
    expect(results[2].value?.clicks).toEqual([clickAt(1), clickAt(3)]);
    expect(results[2].value?.revision).toBe(2);
  });
});

describe('memory bound', () => {
  it('keeps the retained history bounded over hundreds of clicks and undos', async () => {
    const maxUndoSteps = 20;
    const segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS });
    const session = await SegmentationSession.create(segmenter, image, {
      maxUndoSteps,
      maxUndoStepsOfInactiveObjects: 3,
    });
    let maxStates = 0;
    let maxValues = 0;
    for (let i = 0; i < 400; i++) {
      await session.addClick(clickAt(i, i % 5 !== 4));
      if (i % 3 === 2) await session.undo();
      const stats = session.getHistoryStats();
      maxStates = Math.max(maxStates, stats.retainedStates);
      maxValues = Math.max(maxValues, stats.retainedProbabilityValues);
    }
    // The object's states (maxUndoSteps + 1) plus its empty start state, which reset() returns to.
    expect(maxStates).toBeLessThanOrEqual(maxUndoSteps + 2);
    expect(maxValues).toBeLessThanOrEqual((maxUndoSteps + 1) * WIDTH * HEIGHT);
    expect(session.getState().clicks.length).toBeGreaterThan(200);
    let undos = 0;
    while (session.getState().canUndo) {
      await session.undo();
      undos++;
    }
    expect(undos).toBe(maxUndoSteps);

    // Many finished objects each keep only the inactive bound.
    for (let object = 0; object < 30; object++) {
      await session.finishObject();
      for (let i = 0; i < 12; i++) await session.addClick(clickAt(object * 12 + i));
    }
    const stats = session.getHistoryStats();
    expect(stats.objectCount).toBe(31);
    // 30 inactive objects with 3 undo steps + current + start each, and the current object with 12 clicks + start.
    expect(stats.retainedStates).toBeLessThanOrEqual(30 * (3 + 1 + 1) + (12 + 1));
  });

  it('stores each state as the bounding box of its non-zero probabilities', async () => {
    const session = await SegmentationSession.create(new FakeDiskSegmenter({ radiusPx: RADIUS }), image);
    await session.addClick({ xPx: 20, yPx: 15, isPositive: true });
    // A radius-4 disk spans 9 x 9 pixels.
    expect(session.getHistoryStats().retainedProbabilityValues).toBe(81);
  });

  it('shares the probability region a state exposes instead of copying, without reading the full-size map', async () => {
    const fake = new FakeDiskSegmenter({ radiusPx: RADIUS, exposeRegion: true });
    let fullMapReads = 0;
    const segmenter = {
      predict: async (...args: Parameters<FakeDiskSegmenter['predict']>) => {
        const result = await fake.predict(...args);
        const { width, height, data } = result.probabilities;
        const probabilities = {
          width,
          height,
          get data() {
            fullMapReads += 1;
            return data;
          },
        };
        return { state: result.state, probabilities };
      },
    };
    const session = await SegmentationSession.create(segmenter, image);
    const click = { xPx: 20, yPx: 15, isPositive: true };
    const state = await session.addClick(click);
    expect(fullMapReads).toBe(0);
    // The fake exposes the whole image as its region: the session kept that array, not a 9 x 9 copy.
    expect(session.getHistoryStats().retainedProbabilityValues).toBe(WIDTH * HEIGHT);
    expect(Array.from(state.mask.data)).toEqual(
      Array.from(expectedDiskMask(WIDTH, HEIGHT, [click], RADIUS, 0.49).data),
    );
  });
});
