// Issue 12, item 2: no per-click allocation of image-sized buffers. A session over the SDK's ClickPredictor (a
// model computed in JavaScript, so that every typed array allocated is the SDK's own) refines an object with
// clicks: the session's own work per click (history entry, state, events) must allocate nothing of the image's
// size, and the same whatever the image size outside the object's ROI. A state's mask is built when read.
import { describe, expect, it } from 'vitest';
import { ClickPredictor, SegmentationSession, type Click, type PredictionEvent } from '@simpleclick/core';
import type { RgbImage } from '../image/rgb-image';
import { JavaScriptModel, recordAllocations } from '../test-support/allocations';

function image(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
  return { width, height, data };
}

/** A 300 x 200 box at (700, 400): the same ROIs on every image size. */
function boxMask(width: number, height: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height);
  for (let y = 400; y < 600; y++) data.fill(1, y * width + 700, y * width + 1000);
  return { width, height, data };
}

const clicks: Click[] = [
  { xPx: 850, yPx: 500, isPositive: true },
  { xPx: 760, yPx: 420, isPositive: true },
  { xPx: 990, yPx: 590, isPositive: false },
  { xPx: 900, yPx: 450, isPositive: true },
];

/**
 * An object started from the box (importMask), refined by the clicks, with a `prediction` listener that does not
 * read the mask: the allocations of the clicks after the first (which resizes the crop and builds tables).
 */
async function sessionClickAllocations(
  width: number,
  height: number,
  boundaryRefinement: boolean,
): Promise<{ lengths: number[]; session: SegmentationSession; events: PredictionEvent[] }> {
  const predictor = await ClickPredictor.create(new JavaScriptModel(), { preset: 'interactive', boundaryRefinement });
  const session = await SegmentationSession.create(predictor, image(width, height), { ownsPredictor: true });
  const events: PredictionEvent[] = [];
  session.on('prediction', (event) => events.push(event));
  await session.importMask(boxMask(width, height));
  await session.addClick(clicks[0]);
  const lengths = await recordAllocations(async () => {
    for (const click of clicks.slice(1)) await session.addClick(click);
    await session.undo();
    await session.redo();
  });
  return { lengths, session, events };
}

describe('SegmentationSession allocations per click', () => {
  for (const boundaryRefinement of [false, true]) {
    it(`allocates no image-sized buffer per click, the same whatever the image size (boundaryRefinement: ${boundaryRefinement})`, async () => {
      // A first run fills the module-level caches (resize tables keyed by size), which both measured runs share.
      await (await sessionClickAllocations(1920, 1080, boundaryRefinement)).session.close();
      const small = await sessionClickAllocations(1920, 1080, boundaryRefinement);
      const large = await sessionClickAllocations(3840, 2160, boundaryRefinement);
      expect(small.lengths.length).toBeGreaterThan(0); // the recorder works (each click keeps its probabilities)
      expect(Math.max(...small.lengths)).toBeLessThan((1920 * 1080) / 4);
      expect(large.lengths).toEqual(small.lengths);
      await small.session.close();
      await large.session.close();
    });
  }

  it('builds a state mask on its first read only, once, equal to getMask', async () => {
    const { session, events } = await sessionClickAllocations(1920, 1080, false);
    const state = session.getState();
    expect(events.at(-1)!.mask).toBe(state.mask); // the event shares the state's mask object
    const lengths = await recordAllocations(() => {
      expect(state.mask.width).toBe(1920); // the size is known without the buffer
      const data = state.mask.data;
      expect(state.mask.data).toBe(data); // built once, then kept
    });
    // One full-size buffer (the mask), the rest small tables of the cell-by-cell threshold.
    expect(lengths.filter((length) => length >= (1920 * 1080) / 4)).toEqual([1920 * 1080]);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(state.mask.data, session.getMask().data)).toBe(true);
    expect(state.mask.data.includes(1)).toBe(true);
    // A spread or a structured clone copies real values (an own enumerable getter).
    expect({ ...state.mask }.data).toBe(state.mask.data);
    expect(same(structuredClone(state.mask).data, state.mask.data)).toBe(true);
    await session.close();
  });
});
