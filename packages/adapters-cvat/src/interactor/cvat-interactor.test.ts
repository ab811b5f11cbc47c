import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  maskBoundingBox,
  SimpleClickError,
  type BinaryMask,
  type Click,
  type ObjectState,
} from '@simpleclick/core';
import { createNodeModel } from '@simpleclick/core/node';
import {
  CountingModel,
  frameBase64,
  HAVE_DEFAULT_MODEL,
  maskOfResult,
  NO_MODEL_MESSAGE,
  syntheticFrame,
  DEFAULT_MODEL_PATH,
} from '../test-support/fixtures';
import { CvatInteractor, type CvatInteraction } from './cvat-interactor';

if (!HAVE_DEFAULT_MODEL) console.warn(NO_MODEL_MESSAGE);

// Mask quality is the model card's business; these tests check the plumbing against the core predictor: same
// click order in, same mask out, and how many times the model runs.
describe.skipIf(!HAVE_DEFAULT_MODEL)('CvatInteractor with the default model', () => {
  const image = syntheticFrame(96, 64);
  const imageBase64 = frameBase64(image);
  const p1: [number, number] = [48.5, 30.25];
  const n1: [number, number] = [10, 8];
  const p2: [number, number] = [60, 40];
  const n2: [number, number] = [85.5, 55];
  const click = ([xPx, yPx]: [number, number], isPositive: boolean): Click => ({ xPx, yPx, isPositive });

  let counting: CountingModel;
  let predictor: ClickPredictor;
  /** Threshold near the median probability of the first click, so masks are neither empty nor full. */
  let threshold: number;
  /** Reference states from the predictor itself, by click sequence (prefixes shared). */
  const referenceStates = new Map<string, ObjectState>();

  const reference = async (clicks: readonly Click[]): Promise<BinaryMask> => {
    let state: ObjectState | undefined;
    for (let n = 1; n <= clicks.length; n++) {
      const key = JSON.stringify(clicks.slice(0, n));
      let next = referenceStates.get(key);
      if (next === undefined) {
        next = (await predictor.predict(image, clicks.slice(0, n), state)).state;
        referenceStates.set(key, next);
      }
      state = next;
    }
    return (state as ObjectState).toMask(threshold);
  };

  const request = (pos: [number, number][], neg: [number, number][], extra: Record<string, unknown> = {}) => ({
    image: imageBase64,
    pos_points: pos,
    neg_points: neg,
    threshold,
    ...extra,
  });

  /** Runs one request and returns the interaction and how many forward passes it cost (counted at the model). */
  const handle = async (interactor: CvatInteractor, body: unknown): Promise<[CvatInteraction, number]> => {
    const before = counting.runs;
    const interaction = await interactor.handle(body);
    return [interaction, counting.runs - before];
  };

  const newInteractor = (options: Parameters<typeof CvatInteractor.create>[1] = {}) =>
    CvatInteractor.create(predictor, options);

  beforeAll(async () => {
    counting = new CountingModel(await createNodeModel(DEFAULT_MODEL_PATH, { intraOpNumThreads: 2 }));
    predictor = await ClickPredictor.create(counting);
    const first = await predictor.predict(image, [click(p1, true)]);
    const sorted = Float32Array.from(first.probabilities.data).sort();
    threshold = sorted[sorted.length >> 1];
  });

  afterAll(async () => {
    await predictor?.close();
  });

  it('answers the predictor mask for the first click, cropped to its tight inclusive bounds, with an outline', async () => {
    const interactor = await newInteractor();
    const [interaction, runs] = await handle(interactor, request([p1], []));
    const expected = await reference([click(p1, true)]);
    const area = expected.data.reduce((sum, v) => sum + v, 0);
    expect(area, 'test setup: the mask should be neither empty nor full').toBeGreaterThan(0);
    expect(area).toBeLessThan(image.width * image.height);

    expect(runs).toBe(1);
    expect(interaction).toMatchObject({ kind: 'replayed', modelRuns: 1, reusedClicks: 0, imageCacheHit: false });
    const { result } = interaction;
    const box = maskBoundingBox(expected)!;
    expect(result.bounds).toEqual([box.colMin, box.rowMin, box.colMax, box.rowMax]);
    expect(result.mask).toHaveLength(box.rowMax - box.rowMin + 1);
    for (const row of result.mask) {
      expect(row).toHaveLength(box.colMax - box.colMin + 1);
      expect(row.every((v) => v === 0 || v === 1)).toBe(true);
    }
    expect(maskOfResult(result, image.width, image.height).data).toEqual(expected.data);
    // The outline runs along pixel edges of the mask's box.
    expect(result.points!.length).toBeGreaterThanOrEqual(4);
    for (const [x, y] of result.points!) {
      expect(x).toBeGreaterThanOrEqual(box.colMin);
      expect(x).toBeLessThanOrEqual(box.colMax + 1);
      expect(y).toBeGreaterThanOrEqual(box.rowMin);
      expect(y).toBeLessThanOrEqual(box.rowMax + 1);
    }
  });

  it('runs the model once for a request that extends the previous lists by one point, from the cached state', async () => {
    const interactor = await newInteractor();
    await handle(interactor, request([p1], []));

    const [second, secondRuns] = await handle(interactor, request([p1], [n1]));
    expect(secondRuns).toBe(1);
    expect(second).toMatchObject({ kind: 'incremental', modelRuns: 1, reusedClicks: 1, imageCacheHit: true });
    expect(second.clicks).toEqual([click(p1, true), click(n1, false)]);
    expect(maskOfResult(second.result, 96, 64).data).toEqual((await reference(second.clicks)).data);

    const [third, thirdRuns] = await handle(interactor, request([p1, p2], [n1]));
    expect(thirdRuns).toBe(1);
    expect(third).toMatchObject({ kind: 'incremental', modelRuns: 1, reusedClicks: 2 });
    expect(third.clicks).toEqual([click(p1, true), click(n1, false), click(p2, true)]);
    expect(maskOfResult(third.result, 96, 64).data).toEqual((await reference(third.clicks)).data);
  });

  it('replays unknown clicks in the documented order: interleaved (default) or positives first', async () => {
    // Clicked one at a time in the order p1, n1, p2 ...
    const incremental = await newInteractor();
    await handle(incremental, request([p1], []));
    await handle(incremental, request([p1], [n1]));
    const [clicked] = await handle(incremental, request([p1, p2], [n1]));

    // ... and sent at once to an interactor that saw nothing: interleaving gives the same order, the same answer.
    const fresh = await newInteractor();
    const [replayed, runs] = await handle(fresh, request([p1, p2], [n1]));
    expect(runs).toBe(3);
    expect(replayed).toMatchObject({ kind: 'replayed', modelRuns: 3, reusedClicks: 0 });
    expect(replayed.clicks).toEqual(clicked.clicks);
    expect(replayed.result).toEqual(clicked.result);

    const positivesFirst = await newInteractor({ replayOrder: 'positives-first' });
    const [other] = await handle(positivesFirst, request([p1, p2], [n1]));
    expect(other.clicks).toEqual([click(p1, true), click(p2, true), click(n1, false)]);
    expect(maskOfResult(other.result, 96, 64).data).toEqual((await reference(other.clicks)).data);
  });

  it('runs nothing for a repeated request, another threshold, or points removed from the end; redo returns', async () => {
    const interactor = await newInteractor();
    const [first] = await handle(interactor, request([p1], []));
    const [second] = await handle(interactor, request([p1], [n1]));

    const [again, againRuns] = await handle(interactor, request([p1], [n1]));
    expect(againRuns).toBe(0);
    expect(again).toMatchObject({ kind: 'cached', modelRuns: 0, reusedClicks: 2 });
    expect(again.result).toEqual(second.result);

    const lower = Math.max(0, threshold - 0.002);
    const [relaxed, relaxedRuns] = await handle(interactor, request([p1], [n1], { threshold: lower }));
    expect(relaxedRuns).toBe(0);
    const expectedLower = referenceStates.get(JSON.stringify(second.clicks))!.toMask(lower);
    expect(maskOfResult(relaxed.result, 96, 64).data).toEqual(expectedLower.data);

    const [undone, undoneRuns] = await handle(interactor, request([p1], []));
    expect(undoneRuns).toBe(0);
    expect(undone.result).toEqual(first.result);

    // A different last point branches off after p1; going back to n1 finds the kept history (redo).
    const [branched, branchedRuns] = await handle(interactor, request([p1], [n2]));
    expect(branchedRuns).toBe(1);
    expect(branched).toMatchObject({ kind: 'incremental', reusedClicks: 1 });
    expect(maskOfResult(branched.result, 96, 64).data).toEqual((await reference(branched.clicks)).data);
    const [redone, redoneRuns] = await handle(interactor, request([p1], [n1]));
    expect(redoneRuns).toBe(0);
    expect(redone.result).toEqual(second.result);
  });

  it('runs points CVAT sent together (it skips requests while one runs) after the known clicks, in replay order', async () => {
    const interactor = await newInteractor();
    await handle(interactor, request([p1], []));
    const [both, runs] = await handle(interactor, request([p1, p2], [n1]));
    expect(runs).toBe(2);
    expect(both).toMatchObject({ kind: 'replayed', modelRuns: 2, reusedClicks: 1 });
    // The answer is the interleaved order of the two lists (p1, n1, p2); p1's state is reused.
    expect(both.clicks).toEqual([click(p1, true), click(n1, false), click(p2, true)]);
    expect(maskOfResult(both.result, 96, 64).data).toEqual((await reference(both.clicks)).data);
  });

  it('gives the same masks when two instances answer alternate clicks of one object as one instance does', async () => {
    // A CVAT session: p1, then two negatives, then a positive, then another negative (each request carries every
    // point so far). Replicas behind a load balancer see every other request.
    const session: [[number, number][], [number, number][]][] = [
      [[p1], []],
      [[p1], [n1]],
      [[p1], [n1, n2]],
      [
        [p1, p2],
        [n1, n2],
      ],
      [
        [p1, p2],
        [n1, n2, [30, 50]],
      ],
    ];
    const one = await newInteractor();
    const replicas = [await newInteractor(), await newInteractor()];
    const noCache = await newInteractor({ maxStateCacheBytes: 0, maxImageCacheBytes: 0 });
    for (const [index, [pos, neg]] of session.entries()) {
      const [single] = await handle(one, request(pos, neg));
      const [alternate] = await handle(replicas[index % 2], request(pos, neg));
      const [uncached] = await handle(noCache, request(pos, neg));
      expect(alternate.result, `request ${index + 1}`).toEqual(single.result);
      expect(uncached.result, `request ${index + 1}`).toEqual(single.result);
      expect(alternate.clicks).toEqual(single.clicks);
    }
    // The caches saved work: the single instance ran fewer clicks than the uncached one.
    expect(one.cacheStats.states.entries).toBe(1);
  });

  it('refuses bad requests with typed errors, before running anything, and keeps its caches as they were', async () => {
    const interactor = await newInteractor({ maxPoints: 4 });
    await handle(interactor, request([p1], []));
    const cacheBefore = interactor.cacheStats;
    const runsBefore = counting.runs;
    const garbage = Buffer.from('this is not an image at all').toString('base64');
    const truncated = imageBase64.slice(0, Math.floor(imageBase64.length / 2 / 4) * 4);
    const cases: [unknown, string][] = [
      [null, 'INVALID_FORMAT'],
      ['{"image": "x"}', 'INVALID_FORMAT'],
      [{ pos_points: [p1], neg_points: [] }, 'INVALID_FORMAT'],
      [{ image: imageBase64, pos_points: 'p1', neg_points: [] }, 'INVALID_FORMAT'],
      [{ image: imageBase64, pos_points: [[1, 2, 3]], neg_points: [] }, 'INVALID_FORMAT'],
      [{ image: imageBase64, pos_points: [[1, Number.NaN]], neg_points: [] }, 'INVALID_FORMAT'],
      [{ image: imageBase64, pos_points: [], neg_points: [n1] }, 'INVALID_CLICK'],
      [{ image: imageBase64, pos_points: [p1, p2, p1, p2], neg_points: [n1] }, 'INVALID_FORMAT'],
      [{ image: '!!not base64!!', pos_points: [p1], neg_points: [] }, 'INVALID_FORMAT'],
      [{ image: garbage, pos_points: [p1], neg_points: [] }, 'INVALID_IMAGE'],
      [{ image: truncated, pos_points: [p1], neg_points: [] }, 'INVALID_IMAGE'],
      [request([[97, 10]], []), 'INVALID_CLICK'],
      [request([p1], [[5, -0.6]]), 'INVALID_CLICK'],
      [request([[96.5, 10]], []), 'INVALID_CLICK'],
      [request([p1], [], { threshold: 1.5 }), 'INVALID_ARGUMENT'],
      [request([p1], [], { threshold: 'high' }), 'INVALID_ARGUMENT'],
    ];
    for (const [body, code] of cases) {
      const error = await interactor.handle(body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(body)?.slice(0, 80)).toBeInstanceOf(SimpleClickError);
      expect((error as SimpleClickError).code, (error as Error).message).toBe(code);
    }
    expect(interactor.cacheStats).toEqual(cacheBefore);
    expect(counting.runs).toBe(runsBefore);

    const small = await newInteractor({ maxPixels: 1000 });
    await expect(small.handle(request([p1], []))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(small.cacheStats.images.entries).toBe(0);

    // A point on the frame but off the integer grid, and the last column, are inside.
    await expect(interactor.handle(request([[95.9, 63.9]], []))).resolves.toMatchObject({ modelRuns: 1 });
  });
});
