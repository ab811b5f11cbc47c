/**
 * The browser plugin against a stand-in of the Label Studio 1.4.0 frontend (test-support/), with the weightless
 * fake model: each suggestion must decode to the mask the SDK's ClickPredictor gives when run directly on the
 * same clicks, with as many model runs as the click list needs. The real frontend in chromium is covered by
 * test/browser/labelstudio-embed.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  ClickPredictor,
  InvalidArgumentError,
  type BinaryMask,
  type Click,
  type ObjectState,
  type RgbImage,
} from '@simpleclick/core';
import { decodeLabelStudioBrushRle } from '@simpleclick/core/formats';
import { createFakeModel, makeTestImage } from '../test-support/fake-model';
import { BRUSH_CONFIG, POLYGON_CONFIG } from '../test-support/fake-model';
import { resizeMaskNearest } from '../segmentation/resize-mask-nearest';
import { attachSimpleClick } from './attach-simpleclick';
import type { LabelStudioPluginError } from './plugin-error';
import type { SuggestionEvent } from './plugin-options';
import { FakeLabelStudioFrontend } from './test-support/fake-label-studio-frontend';

const WIDTH = 80;
const HEIGHT = 60;
const IMAGE_URL = 'https://images.example.test/task-7.png';

/** The mask ClickPredictor gives for `clicks` run one after the other from scratch. */
async function expectedMask(clicks: readonly Click[], image: RgbImage): Promise<BinaryMask> {
  const predictor = await ClickPredictor.create(createFakeModel());
  let state: ObjectState | undefined;
  for (let count = 1; count <= clicks.length; count++)
    state = (await predictor.predict(image, clicks.slice(0, count), state)).state;
  await predictor.close();
  return state!.toMask();
}

interface Setup {
  readonly frontend: FakeLabelStudioFrontend;
  readonly image: RgbImage;
  readonly model: ReturnType<typeof createFakeModel>;
  readonly predictor: ClickPredictor;
  readonly errors: LabelStudioPluginError[];
  readonly events: SuggestionEvent[];
  readonly plugin: ReturnType<typeof attachSimpleClick>;
  readonly loadImage: ReturnType<typeof vi.fn>;
}

async function setUp(
  options: {
    config?: string;
    naturalWidthPx?: number;
    naturalHeightPx?: number;
    taskData?: Record<string, unknown>;
  } = {},
): Promise<Setup> {
  const image = makeTestImage(WIDTH, HEIGHT, [24, 30]);
  const frontend = new FakeLabelStudioFrontend(
    options.config ?? BRUSH_CONFIG,
    options.taskData ?? { image: IMAGE_URL },
    options.naturalWidthPx ?? WIDTH,
    options.naturalHeightPx ?? HEIGHT,
  );
  const model = createFakeModel();
  const predictor = await ClickPredictor.create(model);
  const errors: LabelStudioPluginError[] = [];
  const events: SuggestionEvent[] = [];
  const loadImage = vi.fn(async (url: string) => {
    if (url !== IMAGE_URL) throw new Error(`unexpected URL ${url}`);
    return image;
  });
  const plugin = attachSimpleClick(frontend, {
    predictor,
    ownsPredictor: true,
    loadImage,
    onError: (error) => errors.push(error),
    onSuggestion: (event) => events.push(event),
  });
  return { frontend, image, model, predictor, errors, events, plugin, loadImage };
}

/** The one brush suggestion loaded, decoded. */
function suggestedBrush(frontend: FakeLabelStudioFrontend): {
  id: string;
  mask: BinaryMask;
  region: Record<string, any>;
} {
  expect(frontend.suggestions).toHaveLength(1);
  const region = frontend.suggestions[0] as Record<string, any>;
  expect(region.type).toBe('brushlabels');
  return {
    id: region.id,
    mask: decodeLabelStudioBrushRle(region.value.rle, region.original_width, region.original_height),
    region,
  };
}

describe('attachSimpleClick (browser plugin) with a stand-in Label Studio frontend', () => {
  it('turns a smart keypoint into a brush suggestion equal to the predictor mask', async () => {
    const { frontend, image, events, errors, plugin, loadImage } = await setUp();
    frontend.click(25, 50); // (20, 30) in pixels
    await frontend.settled();

    expect(errors).toEqual([]);
    const { mask, region } = suggestedBrush(frontend);
    expect(region).toMatchObject({
      from_name: 'tag',
      to_name: 'image',
      original_width: WIDTH,
      original_height: HEIGHT,
      image_rotation: 0,
      readonly: false,
      value: { format: 'rle', brushlabels: ['Banana'] },
    });
    expect(region.score).toBeGreaterThan(0.5);
    expect(region.score).toBeLessThanOrEqual(1);
    const expected = await expectedMask([{ xPx: 20, yPx: 30, isPositive: true }], image);
    expect(mask.data.some((value) => value !== 0)).toBe(true);
    expect(mask).toEqual(expected);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      taskId: 7,
      label: 'Banana',
      toName: 'image',
      modelRuns: 1,
      clicks: [{ xPx: 20, yPx: 30, isPositive: true }],
    });
    expect(loadImage).toHaveBeenCalledTimes(1);
    await plugin.close();
  });

  it('runs the model once per new keypoint, reads is_positive false as a negative click and keeps the region id', async () => {
    const { frontend, image, model, events, plugin, loadImage } = await setUp();
    frontend.click(25, 50);
    await frontend.settled();
    const first = suggestedBrush(frontend);
    frontend.click(31.25, 50, { isPositive: false }); // (25, 30)
    await frontend.settled();
    const second = suggestedBrush(frontend);

    const clicks = [
      { xPx: 20, yPx: 30, isPositive: true },
      { xPx: 25, yPx: 30, isPositive: false },
    ];
    expect(second.mask).toEqual(await expectedMask(clicks, image));
    expect(second.mask).not.toEqual(first.mask);
    expect(second.id).toBe(first.id);
    expect(events.map((event) => event.modelRuns)).toEqual([1, 1]);
    expect(model.runs).toBe(2);
    expect(loadImage).toHaveBeenCalledTimes(1); // one download per task image
    await plugin.close();
  });

  it('steps back without a model run when the last keypoint is deleted, and clears the suggestion when none is left', async () => {
    const { frontend, image, model, events, plugin } = await setUp();
    const first = frontend.click(25, 50);
    await frontend.settled();
    const second = frontend.click(31.25, 50, { isPositive: false });
    await frontend.settled();
    frontend.remove(second);
    await frontend.settled();
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask([{ xPx: 20, yPx: 30, isPositive: true }], image));
    expect(events[2].modelRuns).toBe(0);

    frontend.remove(first);
    await frontend.settled();
    expect(frontend.suggestions).toEqual([]);
    expect(events[3]).toMatchObject({ results: [], clicks: [] });

    frontend.click(50, 50); // (40, 30): a fresh start
    await frontend.settled();
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask([{ xPx: 40, yPx: 30, isPositive: true }], image));
    expect(model.runs).toBe(3);
    await plugin.close();
  });

  it('replays from the moved keypoint when an earlier keypoint moves', async () => {
    const { frontend, image, events, plugin } = await setUp();
    frontend.click(25, 50);
    const middle = frontend.click(31.25, 50, { isPositive: false });
    frontend.click(25, 25);
    await frontend.settled();
    frontend.move(middle, 37.5, 50); // (30, 30)
    await frontend.settled();
    const clicks = [
      { xPx: 20, yPx: 30, isPositive: true },
      { xPx: 30, yPx: 30, isPositive: false },
      { xPx: 20, yPx: 15, isPositive: true },
    ];
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask(clicks, image));
    expect(events.at(-1)!.modelRuns).toBe(2); // clicks 2 and 3 again; click 1 came from the session's history
    await plugin.close();
  });

  it('keeps one object per label, each refined by its own clicks only', async () => {
    const { frontend, image, events, plugin } = await setUp();
    frontend.click(25, 50);
    await frontend.settled();
    const banana = suggestedBrush(frontend);
    frontend.click(75, 50, { label: 'Orange' }); // (60, 30)
    await frontend.settled();
    const orange = suggestedBrush(frontend);
    expect(orange.mask).toEqual(await expectedMask([{ xPx: 60, yPx: 30, isPositive: true }], image));
    expect(orange.region.value.brushlabels).toEqual(['Orange']);
    expect(orange.id).not.toBe(banana.id);

    frontend.click(25, 25);
    await frontend.settled();
    const clicks = [
      { xPx: 20, yPx: 30, isPositive: true },
      { xPx: 20, yPx: 15, isPositive: true },
    ];
    const bananaAgain = suggestedBrush(frontend);
    expect(bananaAgain.mask).toEqual(await expectedMask(clicks, image));
    expect(bananaAgain.id).toBe(banana.id);
    expect(events.at(-1)!.modelRuns).toBe(1);
    await plugin.close();
  });

  it('applies only the newest of quick events, without running the model for the stale ones', async () => {
    const { frontend, image, model, plugin } = await setUp();
    frontend.click(25, 50);
    frontend.click(31.25, 50, { isPositive: false });
    frontend.click(25, 25);
    await frontend.settled();
    const clicks = [
      { xPx: 20, yPx: 30, isPositive: true },
      { xPx: 25, yPx: 30, isPositive: false },
      { xPx: 20, yPx: 15, isPositive: true },
    ];
    expect(frontend.loadCalls.map((call) => call.applied === undefined)).toEqual([true, true, false]);
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask(clicks, image));
    expect(model.runs).toBe(3);
    await plugin.close();
  });

  it('uses the task the event came from, even when Label Studio moves on before the model ran', async () => {
    const { frontend, image, errors, events, plugin } = await setUp();
    frontend.click(25, 50);
    (frontend.store as { task: unknown }).task = {
      id: 8,
      dataObj: { image: 'https://images.example.test/task-8.png' },
    };
    await frontend.settled();
    expect(errors).toEqual([]);
    expect(events[0].taskId).toBe(7);
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask([{ xPx: 20, yPx: 30, isPositive: true }], image));
    await plugin.close();
  });

  it('writes polygons for a config with PolygonLabels', async () => {
    const { frontend, errors, plugin } = await setUp({ config: POLYGON_CONFIG });
    frontend.click(25, 50);
    await frontend.settled();
    expect(errors).toEqual([]);
    expect(frontend.suggestions.length).toBeGreaterThan(0);
    for (const region of frontend.suggestions as Record<string, any>[]) {
      expect(region).toMatchObject({
        type: 'polygonlabels',
        from_name: 'poly',
        to_name: 'image',
        value: { polygonlabels: ['Banana'], closed: true },
      });
      expect(region.value.points.length).toBeGreaterThanOrEqual(3);
      for (const [x, y] of region.value.points) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(100);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(100);
      }
    }
    await plugin.close();
  });

  it('resamples the mask to the natural size Label Studio reports when the decoded image differs', async () => {
    const { frontend, image, plugin } = await setUp({ naturalWidthPx: 2 * WIDTH, naturalHeightPx: 2 * HEIGHT });
    frontend.click(25, 50);
    await frontend.settled();
    const { mask } = suggestedBrush(frontend);
    expect([mask.width, mask.height]).toEqual([2 * WIDTH, 2 * HEIGHT]);
    expect(mask).toEqual(
      resizeMaskNearest(await expectedMask([{ xPx: 20, yPx: 30, isPositive: true }], image), 2 * WIDTH, 2 * HEIGHT),
    );
    await plugin.close();
  });

  it('reports failures through onError, loads no wrong suggestion, and recovers on the next event', async () => {
    const noOutput = BRUSH_CONFIG.replace(/<BrushLabels[\s\S]*?<\/BrushLabels>/, '');
    const config = await setUp({ config: noOutput });
    config.frontend.click(25, 50);
    await config.frontend.settled();
    expect(config.errors.map((error) => error.code)).toEqual(['LABEL_CONFIG']);
    expect(config.frontend.suggestions).toEqual([]);
    await config.plugin.close();

    const missingImage = await setUp({ taskData: { text: 'no image here' } });
    missingImage.frontend.click(25, 50);
    await missingImage.frontend.settled();
    expect(missingImage.errors.map((error) => error.code)).toEqual(['IMAGE_URL']);
    await missingImage.plugin.close();

    const flaky = await setUp();
    flaky.loadImage.mockRejectedValueOnce(new Error('network down'));
    flaky.frontend.click(25, 50);
    await flaky.frontend.settled();
    expect(flaky.errors.map((error) => [error.code, error.message])).toEqual([
      ['IMAGE_LOAD', 'loadImage failed: network down'],
    ]);
    expect(flaky.frontend.suggestions).toEqual([]);
    flaky.frontend.click(25, 25);
    await flaky.frontend.settled();
    const clicks = [
      { xPx: 20, yPx: 30, isPositive: true },
      { xPx: 20, yPx: 15, isPositive: true },
    ];
    expect(suggestedBrush(flaky.frontend).mask).toEqual(await expectedMask(clicks, flaky.image));
    await flaky.plugin.close();
  });

  it('keeps the previous suggestion when the model fails, and never throws into Label Studio', async () => {
    const { frontend, model, errors, plugin } = await setUp();
    frontend.click(25, 50);
    await frontend.settled();
    const before = suggestedBrush(frontend);
    const run = model.run.bind(model);
    model.run = async () => {
      throw new Error('out of memory');
    };
    frontend.click(25, 25);
    await frontend.settled();
    expect(errors.map((error) => error.code)).toEqual(['INTERNAL']);
    expect(errors[0].message).toContain('out of memory');
    expect(suggestedBrush(frontend).mask).toEqual(before.mask);
    model.run = run;
    await plugin.close();

    const throwing = attachSimpleClick(new FakeLabelStudioFrontend(BRUSH_CONFIG, {}, WIDTH, HEIGHT), {
      predictor: await ClickPredictor.create(createFakeModel()),
      onError: () => {
        throw new Error('a broken error handler');
      },
    });
    expect(throwing.isAttached).toBe(true);
    await throwing.close();
  });

  it('ignores regions other than smart keypoints and results of other regions', async () => {
    const { frontend, model, image, plugin } = await setUp();
    frontend.emit('regionFinishedDrawing', { id: 'r1#annotation-1', type: 'rectangleregion', dynamic: true }, []);
    expect(frontend.loadCalls).toHaveLength(0);
    frontend.otherResults = [
      {
        id: 'r1',
        type: 'rectanglelabels',
        from_name: 'tag3',
        to_name: 'image',
        value: { x: 0, y: 0, width: 10, height: 10 },
      },
    ];
    frontend.click(25, 50);
    await frontend.settled();
    expect(suggestedBrush(frontend).mask).toEqual(await expectedMask([{ xPx: 20, yPx: 30, isPositive: true }], image));
    expect(model.runs).toBe(1);
    await plugin.close();
  });

  it('detach() stops listening; close() frees the predictor only when it owns it', async () => {
    const { frontend, model, plugin } = await setUp();
    expect(frontend.listenerCount('regionFinishedDrawing')).toBe(1);
    plugin.detach();
    plugin.detach();
    expect(plugin.isAttached).toBe(false);
    expect(frontend.listenerCount('regionFinishedDrawing')).toBe(0);
    frontend.click(25, 50);
    await frontend.settled();
    expect(frontend.loadCalls).toHaveLength(0);
    const closeModel = vi.spyOn(model, 'close');
    await Promise.all([plugin.close(), plugin.close()]);
    expect(closeModel).toHaveBeenCalledTimes(1);

    const shared = createFakeModel();
    const sharedClose = vi.spyOn(shared, 'close');
    const notOwning = attachSimpleClick(frontend, { predictor: await ClickPredictor.create(shared) });
    await notOwning.close();
    expect(sharedClose).not.toHaveBeenCalled();
  });

  it('refuses bad arguments at once with InvalidArgumentError', async () => {
    const frontend = new FakeLabelStudioFrontend(BRUSH_CONFIG, {}, WIDTH, HEIGHT);
    const predictor = await ClickPredictor.create(createFakeModel());
    expect(() => attachSimpleClick({} as never, { predictor })).toThrow(InvalidArgumentError);
    expect(() => attachSimpleClick(frontend, {} as never)).toThrow(/options.predictor/);
    expect(() => attachSimpleClick(frontend, { predictor, regions: 'mask' as never })).toThrow(/options.regions/);
    expect(() => attachSimpleClick(frontend, { predictor, maxImages: 0 })).toThrow(/maxImages/);
    expect(() => attachSimpleClick(frontend, { predictor, polygon: { maxVertices: 2 } })).toThrow(/maxVertices/);
    expect(() => attachSimpleClick(frontend, { predictor, onError: 'console' as never })).toThrow(/onError/);
    expect(frontend.listenerCount('regionFinishedDrawing')).toBe(0);
    await predictor.close();
  });
});
