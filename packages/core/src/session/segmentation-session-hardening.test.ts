/**
 * Issue 10 items on the session: only-negative clicks, imported mask values, memory released on close.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidClickError,
  InvalidMaskError,
  NoPositiveClickError,
  SegmentationSession,
  SessionClosedError,
  type Click,
  type RgbImage,
} from '@simpleclick/core';
import { collectGarbage } from '../../test-support/collect-garbage';
import { FakeDiskSegmenter } from './test-support/fake-disk-segmenter';
import { gradientImage } from './test-support/session-test-helpers';

const WIDTH = 40;
const HEIGHT = 30;
const image = gradientImage(WIDTH, HEIGHT);
const pos = (xPx: number, yPx: number): Click => ({ xPx, yPx, isPositive: true });
const neg = (xPx: number, yPx: number): Click => ({ xPx, yPx, isPositive: false });

describe('only negative clicks', () => {
  it('refuses a negative first click with NoPositiveClickError, runs no model, changes nothing', async () => {
    const segmenter = new FakeDiskSegmenter({ radiusPx: 5 });
    const session = await SegmentationSession.create(segmenter, image);
    const errors: unknown[] = [];
    session.on('error', (event) => errors.push(event.error));
    const error = await session.addClick(neg(10, 10)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoPositiveClickError);
    expect(error).toBeInstanceOf(InvalidClickError);
    expect((error as NoPositiveClickError).code).toBe('INVALID_CLICK');
    expect(errors).toEqual([error]);
    expect(segmenter.calls).toEqual([]);
    expect(session.revision).toBe(0);
    expect(session.getState().clicks).toEqual([]);
    // A positive click then works as the object's first click; negative clicks after it are normal refinements.
    await session.addClick(pos(10, 10));
    const refined = await session.addClick(neg(12, 10));
    expect(refined.clicks).toEqual([pos(10, 10), neg(12, 10)]);
  });

  it('accepts negative clicks alone on an object started from an imported mask (they carve it)', async () => {
    const session = await SegmentationSession.create(new FakeDiskSegmenter({ radiusPx: 5 }), image);
    const data = new Uint8Array(WIDTH * HEIGHT).fill(1);
    await session.importMask({ width: WIDTH, height: HEIGHT, data });
    const carved = await session.addClick(neg(10, 10));
    expect(carved.mask.data[10 * WIDTH + 10]).toBe(0);
    expect(carved.mask.data[0]).toBe(1);
  });
});

describe('imported BinaryMask values', () => {
  it('refuses byte values other than 0, 1 and 255 (a label map is not one object), as documented', async () => {
    const session = await SegmentationSession.create(new FakeDiskSegmenter({ radiusPx: 5 }), image);
    for (const value of [7, 2, 254]) {
      const data = new Uint8Array(WIDTH * HEIGHT);
      data[5] = value;
      const error = await session.importMask({ width: WIDTH, height: HEIGHT, data }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidMaskError);
      expect((error as Error).message).toContain(`found ${value} at index 5`);
    }
    expect(session.revision).toBe(0);
    for (const value of [1, 255]) {
      const data = new Uint8Array(WIDTH * HEIGHT);
      data[5] = value;
      const state = await session.importMask({ width: WIDTH, height: HEIGHT, data });
      expect(state.mask.data[5]).toBe(1);
    }
  });
});

describe('close releases memory', () => {
  /** A session with a few clicks, then closed; only weak references to its image and states leave the function. */
  async function closedSession(ownsPredictor: boolean) {
    const states: WeakRef<object>[] = [];
    const inner = new FakeDiskSegmenter({ radiusPx: 5 });
    const recording = {
      predict: async (img: RgbImage, clicks: readonly Click[], previous: never) => {
        const result = await inner.predict(img, clicks, previous);
        states.push(new WeakRef(result.state), new WeakRef(result.probabilities.data));
        return result;
      },
      stateFromProbabilities: inner.stateFromProbabilities,
    };
    const big = gradientImage(300, 200);
    const imageData = new WeakRef(big.data);
    const session = await SegmentationSession.create(recording, big, { ownsPredictor });
    await session.addClick(pos(100, 100));
    await session.addClick(neg(110, 100));
    await session.addClick(pos(150, 120));
    await session.undo();
    await session.close();
    return { session, imageData, states };
  }

  for (const ownsPredictor of [false, true]) {
    it(`drops the image and every state at close, while the session is still referenced (ownsPredictor ${ownsPredictor})`, async () => {
      const { session, imageData, states } = await closedSession(ownsPredictor);
      await collectGarbage();
      expect(session.isClosed).toBe(true); // the session itself is still reachable here
      expect(imageData.deref()).toBeUndefined();
      expect(states.length).toBe(6);
      expect(states.filter((state) => state.deref() !== undefined)).toEqual([]);
      expect(() => session.image).toThrow(SessionClosedError);
    });
  }
});
