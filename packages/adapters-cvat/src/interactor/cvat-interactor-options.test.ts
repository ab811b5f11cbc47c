import { describe, expect, it } from 'vitest';
import { ClickPredictor } from '@simpleclick/core';
// A test's check on the answer's mask, not an SDK function: read from the core's sources, as the tests run.
import { labelConnectedComponents } from '../../../core/src/mask/connected-components';
import { encodeCvatMaskRle } from '@simpleclick/core/formats';
import { ClickEchoModel, frameBase64, maskOfResult, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from './cvat-interactor';
import type { CvatInteractorOptions } from './interactor-options';

// Cache budgets, boxes, clean-up and lifecycle, over a fake network (ClickEchoModel) so many runs cost nothing.
const image = syntheticFrame(96, 64);
const frame = frameBase64(image);

async function setUp(options: Partial<CvatInteractorOptions> = {}) {
  const model = new ClickEchoModel();
  // The fake network's disks follow no image edge: boundary refinement (tested in the core) stays off here.
  const predictor = await ClickPredictor.create(model, { boundaryRefinement: false });
  const interactor = await CvatInteractor.create(predictor, options);
  return { model, predictor, interactor };
}

const body = (pos: number[][], neg: number[][] = [], extra: Record<string, unknown> = {}, imageBase64 = frame) => ({
  image: imageBase64,
  pos_points: pos,
  neg_points: neg,
  ...extra,
});

describe('CvatInteractor caches', () => {
  it('replays every click when the state cache keeps nothing, and decodes every time without an image cache', async () => {
    const { model, interactor } = await setUp({ maxStateCacheBytes: 0, maxImageCacheBytes: 0 });
    await interactor.handle(body([[20, 20]]));
    const second = await interactor.handle(body([[20, 20]], [[70, 40]]));
    expect(second).toMatchObject({ kind: 'replayed', modelRuns: 2, reusedClicks: 0, imageCacheHit: false });
    expect(model.runs).toBe(3);
    expect(interactor.cacheStats).toEqual({ images: { entries: 0, bytes: 0 }, states: { entries: 0, bytes: 0 } });
  });

  it('keeps the decoded frames within their byte budget, least recently used out first', async () => {
    const frames = [1, 2, 3].map((seed) => frameBase64(syntheticFrame(96, 64, seed)));
    const frameBytes = 96 * 64 * 3;
    const { interactor } = await setUp({ maxImageCacheBytes: 2 * frameBytes });
    await interactor.handle(body([[20, 20]], [], {}, frames[0]));
    await interactor.handle(body([[20, 20]], [], {}, frames[1]));
    await interactor.handle(body([[20, 20]], [], {}, frames[0])); // frame 0 is now the most recent
    await interactor.handle(body([[20, 20]], [], {}, frames[2])); // evicts frame 1
    expect(interactor.cacheStats.images).toEqual({ entries: 2, bytes: 2 * frameBytes });
    expect((await interactor.handle(body([[21, 20]], [], {}, frames[0]))).imageCacheHit).toBe(true);
    expect((await interactor.handle(body([[21, 20]], [], {}, frames[1]))).imageCacheHit).toBe(false);
  });

  it('keeps at most maxTracksPerImage click histories per frame, most recently used first', async () => {
    const { interactor } = await setUp({ maxTracksPerImage: 2 });
    await interactor.handle(body([[20, 20]], [[70, 40]])); // history A
    await interactor.handle(body([[20, 20]], [[80, 40]])); // B branches off after the first click
    await interactor.handle(body([[20, 20]], [[90, 40]])); // C: A is dropped
    expect((await interactor.handle(body([[20, 20]], [[80, 40]]))).modelRuns).toBe(0);
    expect((await interactor.handle(body([[20, 20]], [[90, 40]]))).modelRuns).toBe(0);
    expect((await interactor.handle(body([[20, 20]], [[70, 40]]))).modelRuns).toBe(1);
  });

  it('counts the state bytes against the budget and stays within it', async () => {
    const { interactor } = await setUp({ maxStateCacheBytes: 20_000 });
    for (let i = 0; i < 6; i++)
      await interactor.handle(body([[10 + i * 12, 20]], [], {}, frameBase64(syntheticFrame(96, 64, i))));
    const { states } = interactor.cacheStats;
    expect(states.bytes).toBeGreaterThan(0);
    expect(states.bytes).toBeLessThanOrEqual(20_000);
    expect(states.entries).toBeLessThan(6);
  });

  it('serves requests in arrival order: a request sent before the previous one finished still extends it', async () => {
    const { interactor } = await setUp();
    const first = interactor.handle(body([[20, 20]]));
    const second = interactor.handle(body([[20, 20]], [[70, 40]]));
    expect((await first).kind).toBe('replayed');
    expect(await second).toMatchObject({ kind: 'incremental', modelRuns: 1 });
  });
});

/**
 * What CVAT's UI does with an answer (tools-control: `mask2Rle(response.mask.flat())`, then the bounds appended): run
 * lengths of equal values, the first run counting the leading zeros. Written from that description for the test.
 */
function uiMaskPoints(mask: number[][], bounds: number[]): number[] {
  const runs: number[] = [];
  let previous = 0;
  let run = 0;
  for (const value of mask.flat()) {
    if (value !== previous) {
      runs.push(run);
      run = 0;
      previous = value;
    }
    run++;
  }
  return [...runs, run, ...bounds];
}

describe('CvatInteractor answers', () => {
  it("gives CVAT's UI a mask that encodes to cvat-sdk's encode_mask of the full mask", async () => {
    const { interactor } = await setUp();
    const { result } = await interactor.handle(
      body(
        [
          [15, 15],
          [80, 48],
        ],
        [[17, 15]],
      ),
    );
    expect(uiMaskPoints(result.mask, result.bounds)).toEqual(encodeCvatMaskRle(maskOfResult(result, 96, 64)));
  });

  it('turns obj_bbox into a first positive click at its centre and clears the mask outside the box', async () => {
    const { interactor } = await setUp();
    const box = [
      [30, 16],
      [70, 50],
    ];
    const answer = await interactor.handle(body([], [], { obj_bbox: box }));
    // The box covers columns 30..69 and rows 16..49: its centre pixel is (49, 32).
    expect(answer.clicks).toEqual([{ xPx: 49, yPx: 32, isPositive: true }]);
    const [x1, y1, x2, y2] = answer.result.bounds;
    expect(x1).toBeGreaterThanOrEqual(30);
    expect(y1).toBeGreaterThanOrEqual(16);
    expect(x2).toBeLessThanOrEqual(69);
    expect(y2).toBeLessThanOrEqual(49);
    const flat = await interactor.handle(body([[52, 30]], [], { obj_bbox: [70, 50, 30, 16] }));
    expect(flat).toMatchObject({ kind: 'incremental', modelRuns: 1 });
    await expect(
      interactor.handle(
        body([], [], {
          obj_bbox: [
            [100, 70],
            [120, 90],
          ],
        }),
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_CLICK',
    });
    await expect(interactor.handle(body([], [], { obj_bbox: [1, 2, 3] }))).rejects.toMatchObject({
      code: 'INVALID_FORMAT',
    });
  });

  it('answers an empty mask as one zero pixel at the last click with no outline', async () => {
    const { interactor } = await setUp();
    const answer = await interactor.handle(body([[20.7, 30.2]], [], { threshold: 1 }));
    expect(answer.result).toEqual({ mask: [[0]], bounds: [20, 30, 20, 30], points: [] });
  });

  it('cleans up the mask when asked (keep the largest component) and leaves points out on request', async () => {
    const twoBlobs = body([
      [15, 15],
      [80, 48],
      [80, 52],
    ]);
    const plain = await (await setUp()).interactor.handle(twoBlobs);
    const plainMask = maskOfResult(plain.result, 96, 64);
    expect(labelConnectedComponents(plainMask).count).toBe(2);

    const cleaned = await (
      await setUp({ cleanUp: { keep: 'largest' }, includePolygon: false })
    ).interactor.handle(twoBlobs);
    const cleanedMask = maskOfResult(cleaned.result, 96, 64);
    expect(labelConnectedComponents(cleanedMask).count).toBe(1);
    expect(cleanedMask.data[50 * 96 + 80]).toBe(1);
    expect(cleaned.result).not.toHaveProperty('points');
  });

  it('closes: later requests fail with SESSION_CLOSED; with ownsPredictor the model is closed too', async () => {
    const { model, interactor } = await setUp();
    await interactor.close();
    await expect(interactor.handle(body([[20, 20]]))).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    expect(model.closed).toBe(false);
    const owning = await setUp({ ownsPredictor: true });
    await owning.interactor.close();
    expect(owning.model.closed).toBe(true);
  });

  it('checks its options', async () => {
    const predictor = await ClickPredictor.create(new ClickEchoModel());
    await expect(CvatInteractor.create(predictor, { maxTracksPerImage: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(CvatInteractor.create(predictor, { replayOrder: 'random' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(CvatInteractor.create({} as ClickPredictor)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
