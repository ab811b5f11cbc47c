/**
 * The plugin's worker path (a WorkerPredictor as `predictor`) against its page-thread path (a ClickPredictor), on
 * the same events: the suggestions must be identical, field by field (brush RLE, polygons, score), whatever the
 * output (brush, polygons, clean-up, a resized mask). The worker is a stand-in here (the same SegmentationSession
 * code behind a structured-clone boundary, as postMessage has); the SDK's real worker in chromium is covered by
 * attach-simpleclick.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ClickPredictor, SegmentationSession, type Click, type RgbImage } from '@simpleclick/core';
import {
  computeObjectOutputs,
  rgbImageFromImageData,
  type ImageDataLike,
  type ObjectOutputsRequest,
  type WorkerPredictor,
} from '@simpleclick/core/web';
import { brushRegion, brushRegionFromRle } from '@simpleclick/core/formats';
import { BRUSH_CONFIG, POLYGON_CONFIG, createFakeModel, makeTestImage } from '../test-support/fake-model';
import { attachSimpleClick } from './attach-simpleclick';
import { isWorkerPredictor } from './image-session';
import type { LabelStudioPluginOptions } from './plugin-options';
import { FakeLabelStudioFrontend } from './test-support/fake-label-studio-frontend';

const WIDTH = 80;
const HEIGHT = 60;
const IMAGE_URL = 'https://images.example.test/task-7.png';

/** What the stand-in worker saw. */
interface WorkerLog {
  readonly sessions: { transferImage: boolean; channels: number }[];
  readonly outputRequests: ObjectOutputsRequest[];
}

/**
 * A WorkerPredictor stand-in: each session is a SegmentationSession over a ClickPredictor of the fake model, and
 * everything crossing the "thread" boundary is structured-cloned, as postMessage does.
 */
async function fakeWorkerPredictor(log: WorkerLog): Promise<WorkerPredictor> {
  const predictor = await ClickPredictor.create(createFakeModel());
  const fake = {
    createSession: async (image: RgbImage | ImageDataLike, options: { transferImage?: boolean } = {}) => {
      const channels = image.data.length / (image.width * image.height);
      log.sessions.push({ transferImage: options.transferImage ?? false, channels });
      const pixels = structuredClone(image);
      const session = await SegmentationSession.create(
        predictor,
        channels === 4 ? rgbImageFromImageData(pixels) : (pixels as RgbImage),
      );
      const clone = <T>(promise: Promise<T>) => promise.then((value) => structuredClone(value));
      return {
        getState: () => session.getState(),
        addClick: (click: Click) => clone(session.addClick(structuredClone(click))),
        undo: () => clone(session.undo()),
        reset: () => clone(session.reset()),
        finishObject: () => clone(session.finishObject()),
        selectObject: (objectId: number) => clone(session.selectObject(objectId)),
        getObjectOutputs: async (objectId: number | undefined, request: ObjectOutputsRequest) => {
          log.outputRequests.push(structuredClone(request));
          const id = objectId ?? session.getState().currentObjectId;
          const clicks = session.getState().objects.find((object) => object.id === id)?.clicks ?? [];
          const outputs = computeObjectOutputs(
            { objectId: id, mask: session.getMask(id), clicks, probabilities: () => session.getProbabilities(id).data },
            structuredClone(request),
          );
          return structuredClone(outputs);
        },
        close: () => session.close(),
      };
    },
    close: () => predictor.close(),
  };
  return fake as unknown as WorkerPredictor;
}

/** The same events on a plugin: clicks, a negative click, a move, a deletion, a second label. */
async function runEvents(
  predictor: LabelStudioPluginOptions['predictor'],
  options: {
    config?: string;
    naturalScale?: number;
    postProcessing?: LabelStudioPluginOptions['postProcessing'];
    rgbLoader?: boolean;
  },
): Promise<{ suggestions: unknown[][]; errors: unknown[]; scores: number[] }> {
  const image = makeTestImage(WIDTH, HEIGHT, [24, 30]);
  const scale = options.naturalScale ?? 1;
  const frontend = new FakeLabelStudioFrontend(
    options.config ?? BRUSH_CONFIG,
    { image: IMAGE_URL },
    WIDTH * scale,
    HEIGHT * scale,
  );
  const errors: unknown[] = [];
  // The default loader gives RGBA (a canvas's pixels); options.loadImage gives RGB. Both are exercised.
  const rgba = { width: WIDTH, height: HEIGHT, data: new Uint8ClampedArray(WIDTH * HEIGHT * 4) };
  for (let i = 0; i < WIDTH * HEIGHT; i++) {
    rgba.data.set(image.data.subarray(3 * i, 3 * i + 3), 4 * i);
    rgba.data[4 * i + 3] = 255;
  }
  const plugin = attachSimpleClick(frontend, {
    predictor,
    ownsPredictor: true,
    loadImage: async () => (options.rgbLoader === false ? (rgba as unknown as RgbImage) : image),
    ...(options.postProcessing !== undefined ? { postProcessing: options.postProcessing } : {}),
    onError: (error) => errors.push(error),
  });
  const suggestions: unknown[][] = [];
  const scores: number[] = [];
  // Region ids are random per plugin: compared by position instead.
  const record = () => {
    const ids = new Map<string, string>();
    suggestions.push(
      (frontend.suggestions as Record<string, unknown>[]).map((region) => {
        const id = String(region.id);
        const base = id.replace(/-\d+$/, '');
        if (!ids.has(base)) ids.set(base, `region-${ids.size}`);
        if (typeof region.score === 'number') scores.push(region.score);
        return { ...region, id: id.replace(base, ids.get(base)!) };
      }),
    );
  };
  frontend.click(25, 50);
  await frontend.settled();
  record();
  const negative = frontend.click(31.25, 50, { isPositive: false });
  await frontend.settled();
  record();
  frontend.click(25, 25);
  await frontend.settled();
  record();
  frontend.move(negative, 37.5, 50);
  await frontend.settled();
  record();
  frontend.remove(negative);
  await frontend.settled();
  record();
  frontend.click(75, 50, { label: 'Orange' });
  await frontend.settled();
  record();
  await plugin.close();
  return { suggestions, errors, scores };
}

describe('attachSimpleClick with the SDK worker (WorkerPredictor) and on the page thread (ClickPredictor)', () => {
  const cases: { name: string; options: Parameters<typeof runEvents>[1] }[] = [
    { name: 'brush suggestions', options: {} },
    { name: 'brush suggestions from RGBA pixels', options: { rgbLoader: false } },
    { name: 'polygon suggestions', options: { config: POLYGON_CONFIG } },
    {
      name: 'brush suggestions with clean-up (clicked components, holes, islands)',
      options: { postProcessing: { keepClickedComponents: true, fillHolesMaxAreaPx: 50, removeIslandsMaxAreaPx: 4 } },
    },
    { name: 'a mask resized to the natural size Label Studio reports', options: { naturalScale: 2 } },
  ];
  for (const { name, options } of cases) {
    it(`gives identical suggestions both ways: ${name}`, async () => {
      const log: WorkerLog = { sessions: [], outputRequests: [] };
      const worker = await runEvents(await fakeWorkerPredictor(log), options);
      const page = await runEvents(await ClickPredictor.create(createFakeModel()), options);
      expect(worker.errors).toEqual([]);
      expect(page.errors).toEqual([]);
      expect(worker.suggestions.some((list) => list.length > 0)).toBe(true);
      expect(worker.suggestions).toEqual(page.suggestions);
      expect(worker.scores.length).toBeGreaterThan(0);
      // One session per task image; pixels from options.loadImage stay the caller's (copied, not moved).
      expect(log.sessions).toEqual([{ transferImage: false, channels: options.rgbLoader === false ? 4 : 3 }]);
      // The worker computed the outputs: the page asked for the RLE/polygons, or for the mask only to resize it.
      expect(log.outputRequests.length).toBeGreaterThan(0);
      for (const request of log.outputRequests) {
        if (options.naturalScale === 2) expect(request).toMatchObject({ mask: true, meanProbability: true });
        else expect(request.mask).toBeUndefined();
      }
    });
  }

  it('tells a WorkerPredictor from a ClickPredictor by shape', async () => {
    const clickPredictor = await ClickPredictor.create(createFakeModel());
    const worker = await fakeWorkerPredictor({ sessions: [], outputRequests: [] });
    expect(isWorkerPredictor(clickPredictor)).toBe(false);
    expect(isWorkerPredictor(worker)).toBe(true);
    await clickPredictor.close();
    await worker.close();
  });

  it('brushRegionFromRle builds the region brushRegion builds from the mask', () => {
    const image = makeTestImage(WIDTH, HEIGHT, [24, 30]);
    const mask = {
      width: WIDTH,
      height: HEIGHT,
      data: Uint8Array.from({ length: WIDTH * HEIGHT }, (_, i) => (image.data[3 * i] > 128 ? 1 : 0)),
    };
    const names = { fromName: 'tag', toName: 'image', label: 'Banana' };
    const extras = { score: 0.75, readonly: false };
    const outputs = computeObjectOutputs(
      { objectId: 1, mask, clicks: [], probabilities: () => new Float32Array(WIDTH * HEIGHT) },
      { labelStudioBrushRle: true },
    );
    expect(outputs.areaPx).toBeGreaterThan(0);
    const fromRle = brushRegionFromRle(outputs.labelStudioBrushRle!, WIDTH, HEIGHT, names, 'abc', extras);
    expect(JSON.stringify(fromRle)).toBe(JSON.stringify(brushRegion(mask, names, 'abc', extras)));
    expect(JSON.stringify(brushRegionFromRle([1], WIDTH, HEIGHT, names, 'abc'))).toBe(
      JSON.stringify({
        ...brushRegion(mask, names, 'abc'),
        value: { format: 'rle', rle: [1], brushlabels: ['Banana'] },
      }),
    );
  });
});
