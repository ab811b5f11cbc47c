import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidFormatError,
  InvalidMaskError,
  SegmentationSession,
  type BinaryMask,
  type Click,
  type PredictionEvent,
  type SessionSnapshot,
} from '@simpleclick/core';
import { FakeDiskSegmenter } from './test-support/fake-disk-segmenter';
import { areaPx, expectedDiskMask, gradientImage, settle } from './test-support/session-test-helpers';

const WIDTH = 40;
const HEIGHT = 30;
const RADIUS = 5;
const image = gradientImage(WIDTH, HEIGHT);
const pos = (xPx: number, yPx: number): Click => ({ xPx, yPx, isPositive: true });
const neg = (xPx: number, yPx: number): Click => ({ xPx, yPx, isPositive: false });
const mask = (clicks: Click[], threshold = 0.49, base?: BinaryMask) =>
  expectedDiskMask(WIDTH, HEIGHT, clicks, RADIUS, threshold, base);

function rectangleMask(rowMin: number, rowMax: number, colMin: number, colMax: number): BinaryMask {
  const data = new Uint8Array(WIDTH * HEIGHT);
  for (let y = rowMin; y <= rowMax; y++) for (let x = colMin; x <= colMax; x++) data[y * WIDTH + x] = 1;
  return { width: WIDTH, height: HEIGHT, data };
}

async function newSession(options = {}, segmenter = new FakeDiskSegmenter({ radiusPx: RADIUS })) {
  return { session: await SegmentationSession.create(segmenter, image, options), segmenter };
}

describe('several objects', () => {
  it('finishes objects, draws a label map with later objects on top, and reports every object', async () => {
    const { session } = await newSession();
    await session.addClick(pos(10, 10));
    const finished = await session.finishObject();
    expect(finished.currentObjectId).toBe(2);
    expect(areaPx(finished.mask)).toBe(0);
    await session.addClick(pos(14, 10)); // overlaps object 1
    await session.finishObject();
    await session.addClick(pos(30, 20));
    const state = session.getState();
    expect(state.objects.map((object) => object.id)).toEqual([1, 2, 3]);
    expect(state.objects.map((object) => object.clicks.length)).toEqual([1, 1, 1]);

    const labels = session.getLabelMap();
    expect(labels.data).toBeInstanceOf(Uint8Array);
    expect(labels.objectIds).toEqual([1, 2, 3]);
    const m1 = mask([pos(10, 10)]).data;
    const m2 = mask([pos(14, 10)]).data;
    const m3 = mask([pos(30, 20)]).data;
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const expectedLabel = m3[i] ? 3 : m2[i] ? 2 : m1[i] ? 1 : 0;
      expect(labels.data[i]).toBe(expectedLabel);
    }
    expect(labels.data[10 * WIDTH + 12]).toBe(2); // in both 1 and 2: the later object wins

    const wide = session.getLabelMap({ dataType: 'uint16' });
    expect(wide.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(wide.data)).toEqual(Array.from(labels.data));
    expect(Array.from(session.getMask(1).data)).toEqual(Array.from(m1));
  });

  it('draws earlier objects on top with labelMapOverlap earlier-on-top', async () => {
    const { session } = await newSession({ labelMapOverlap: 'earlier-on-top' });
    await session.addClick(pos(10, 10));
    await session.finishObject();
    await session.addClick(pos(14, 10));
    expect(session.getLabelMap().data[10 * WIDTH + 12]).toBe(1);
  });

  it('selects an earlier object to continue editing it from its own state', async () => {
    const { session, segmenter } = await newSession();
    await session.addClick(pos(10, 10));
    await session.finishObject();
    await session.addClick(pos(30, 20));
    await session.finishObject(); // object 3: an untouched placeholder
    const events: PredictionEvent[] = [];
    session.on('prediction', (event) => events.push(event));
    const selected = await session.selectObject(1);
    expect(selected.currentObjectId).toBe(1);
    expect(selected.clicks).toEqual([pos(10, 10)]);
    // The placeholder was dropped.
    expect(selected.objects.map((object) => object.id)).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ cause: 'select-object', objectId: 1 });
    const edited = await session.addClick(neg(12, 10));
    expect(Array.from(edited.mask.data)).toEqual(Array.from(mask([pos(10, 10), neg(12, 10)]).data));
    // The model continued from object 1's state, not object 2's.
    expect(segmenter.calls[2].previousStateId).toBe(1);
    expect((await session.undo()).clicks).toEqual([pos(10, 10)]);
    // Finishing again starts a new object, reusing the dropped placeholder's id.
    expect((await session.finishObject()).currentObjectId).toBe(3);
  });

  it('deletes objects; deleting the current one starts a new one; unknown ids reject in turn', async () => {
    const { session } = await newSession();
    await session.addClick(pos(10, 10));
    await session.finishObject();
    await session.addClick(pos(30, 20));
    const afterDelete = await session.deleteObject(1);
    expect(afterDelete.objects.map((object) => object.id)).toEqual([2]);
    expect(afterDelete.currentObjectId).toBe(2);
    expect(session.getLabelMap().data[10 * WIDTH + 10]).toBe(0);
    const afterCurrent = await session.deleteObject(2);
    expect(afterCurrent.currentObjectId).toBe(3); // ids of objects that had content are not reused
    expect(afterCurrent.clicks).toEqual([]);
    await expect(session.deleteObject(1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(session.selectObject(99)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(session.selectObject(0)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => session.getMask(1)).toThrow(InvalidArgumentError);
  });

  it('makes finishObject a no-op on an untouched object', async () => {
    const { session } = await newSession();
    const state = await session.finishObject();
    expect(state.revision).toBe(0);
    expect(state.objects).toHaveLength(1);
  });
});

describe('imported masks', () => {
  it('starts a new object from a mask, refines it with clicks and resets back to it', async () => {
    const { session, segmenter } = await newSession();
    const imported = rectangleMask(5, 15, 5, 20);
    const state = await session.importMask(imported);
    expect(state.currentObjectId).toBe(1); // replaced the untouched placeholder
    expect(state.objects[0].startedFromMask).toBe(true);
    expect(Array.from(state.mask.data)).toEqual(Array.from(imported.data));
    const refined = await session.addClick(neg(6, 6));
    expect(Array.from(refined.mask.data)).toEqual(Array.from(mask([neg(6, 6)], 0.49, imported).data));
    // The first click was given the imported state as its previous state.
    expect(segmenter.calls[0].previousStateId).toBeDefined();
    const reset = await session.reset();
    expect(Array.from(reset.mask.data)).toEqual(Array.from(imported.data));
    expect(reset.clicks).toEqual([]);
  });

  it('imports soft probabilities from a FloatMap and keeps them for re-thresholding', async () => {
    const { session } = await newSession();
    const data = new Float32Array(WIDTH * HEIGHT);
    data[0] = 0.3;
    data[1] = 0.6;
    data[2] = 0.9;
    const state = await session.importMask({ width: WIDTH, height: HEIGHT, data });
    expect(Array.from(state.mask.data.slice(0, 4))).toEqual([0, 1, 1, 0]);
    expect(Array.from((await session.setThreshold(0.7)).mask.data.slice(0, 4))).toEqual([0, 0, 1, 0]);
  });

  it('takes any non-zero byte of a BinaryMask as foreground (0/255 masks)', async () => {
    const { session } = await newSession();
    const data = rectangleMask(2, 4, 2, 4).data.map((value) => value * 255);
    const state = await session.importMask({ width: WIDTH, height: HEIGHT, data });
    expect(Array.from(state.mask.data)).toEqual(Array.from(rectangleMask(2, 4, 2, 4).data));
  });

  it('rejects masks of the wrong size or with bad values at once, changing nothing', async () => {
    const { session } = await newSession();
    const bad = [
      { width: WIDTH + 1, height: HEIGHT, data: new Uint8Array((WIDTH + 1) * HEIGHT) },
      { width: WIDTH, height: HEIGHT, data: new Uint8Array(10) },
      { width: WIDTH, height: HEIGHT, data: new Float32Array(WIDTH * HEIGHT).fill(1.5) },
      { width: WIDTH, height: HEIGHT, data: new Float32Array(WIDTH * HEIGHT).fill(Number.NaN) },
      { width: WIDTH, height: HEIGHT, data: new Int32Array(WIDTH * HEIGHT) },
    ];
    for (const candidate of bad) {
      await expect(session.importMask(candidate as never)).rejects.toBeInstanceOf(InvalidMaskError);
    }
    expect(session.revision).toBe(0);
  });

  it('needs a predictor that can start from a mask', async () => {
    const { session } = await newSession({}, new FakeDiskSegmenter({ radiusPx: RADIUS, canStartFromMask: false }));
    await expect(session.importMask(rectangleMask(0, 1, 0, 1))).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('snapshots', () => {
  async function workedSession() {
    const { session } = await newSession();
    await session.addClick(pos(10, 10));
    await session.addClick(neg(13, 10));
    await session.finishObject();
    await session.importMask(rectangleMask(18, 25, 25, 35));
    await session.addClick(pos(20, 8));
    await session.finishObject();
    await session.addClick(pos(33, 5));
    await session.selectObject(2);
    return session;
  }

  it('round-trips through JSON: clicks, masks, label map, current object, threshold', async () => {
    const session = await workedSession();
    const snapshot = JSON.parse(JSON.stringify(session.toSnapshot())) as SessionSnapshot;
    expect(snapshot.objects.map((object) => object.id)).toEqual([1, 2, 3]);
    expect(snapshot.objects[1].startMask).toBeDefined();
    expect(typeof snapshot.objects[0].mask.counts).toBe('string'); // compressed COCO RLE

    const { session: restored, segmenter } = await newSession();
    const state = await restored.restoreSnapshot(snapshot);
    expect(segmenter.calls).toHaveLength(0);
    expect(state.currentObjectId).toBe(2);
    expect(state.objects).toEqual(session.getState().objects);
    expect(Array.from(restored.getLabelMap().data)).toEqual(Array.from(session.getLabelMap().data));
    for (const id of [1, 2, 3])
      expect(Array.from(restored.getMask(id).data)).toEqual(Array.from(session.getMask(id).data));
    // Editing continues from the restored mask; reset goes back to the imported start mask.
    const next = await restored.addClick(neg(30, 20));
    expect(next.clicks).toHaveLength(2);
    expect(Array.from((await restored.reset()).mask.data)).toEqual(Array.from(rectangleMask(18, 25, 25, 35).data));
    expect((await restored.finishObject()).currentObjectId).toBe(4);
  });

  it('replays clicks through the model when asked', async () => {
    const session = await workedSession();
    const { session: restored, segmenter } = await newSession();
    await restored.restoreSnapshot(session.toSnapshot(), { replayClicks: true });
    expect(segmenter.calls.map((call) => call.clicks.length)).toEqual([1, 2, 1, 1]);
    for (const id of [1, 2, 3]) {
      expect(Array.from(restored.getProbabilities(id).data)).toEqual(Array.from(session.getProbabilities(id).data));
    }
  });

  it('rejects malformed snapshots or another image size; a failed replay changes nothing', async () => {
    const session = await workedSession();
    const snapshot = session.toSnapshot();
    const { session: other } = await newSession();
    const broken: unknown[] = [
      { ...snapshot, format: 'x' },
      { ...snapshot, version: 2 },
      { ...snapshot, width: WIDTH + 1 },
      { ...snapshot, currentObjectId: 9 },
      { ...snapshot, objects: [snapshot.objects[0], snapshot.objects[0]] },
      { ...snapshot, objects: [{ ...snapshot.objects[0], clicks: [pos(WIDTH, 0)] }] },
      { ...snapshot, objects: [{ ...snapshot.objects[0], mask: { size: [HEIGHT, WIDTH], counts: [5] } }] },
      {
        ...snapshot,
        objects: [{ ...snapshot.objects[0], mask: { size: [HEIGHT, WIDTH + 1], counts: [HEIGHT * (WIDTH + 1)] } }],
      },
      { ...snapshot, objects: [{ ...snapshot.objects[0], mask: { size: [HEIGHT, WIDTH], counts: '~~' } }] },
    ];
    for (const candidate of broken) {
      await expect(other.restoreSnapshot(candidate as SessionSnapshot)).rejects.toBeInstanceOf(InvalidFormatError);
    }
    const failing = new FakeDiskSegmenter({ radiusPx: RADIUS });
    failing.failOnCall.set(1, new Error('model failed'));
    const { session: target } = await newSession({}, failing);
    await target.addClick(pos(1, 1)); // call 0
    const before = target.getState();
    const outcome = await settle(target.restoreSnapshot(snapshot, { replayClicks: true }));
    expect(outcome.error).toEqual(new Error('model failed'));
    expect(target.getState()).toBe(before);
  });
});
