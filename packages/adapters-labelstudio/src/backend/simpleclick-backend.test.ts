import {
  ClickPredictor,
  cleanUpMask,
  ModelLoadError,
  type BinaryMask,
  type Click,
  type RgbImage,
} from '@simpleclick/core';
import { decodeLabelStudioBrushRle, rasterizePolygons, ringFromPercent } from '@simpleclick/core/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, toBackendError } from '../errors/backend-error';
import {
  BRUSH_CONFIG,
  createFakeModel,
  keypointRegion,
  makeTestImage,
  pngDataUrl,
  POLYGON_CONFIG,
  predictBody,
} from '../test-support/fake-model';
import { SimpleClickBackend } from './simpleclick-backend';
import type { BackendOptions } from './backend-options';

// The protocol without HTTP or network: images come as data URLs, the model is a weightless fake whose mask
// depends on the clicks and the previous state (see test-support/fake-model.ts). Its masks follow no image edge, so
// boundary refinement (tested in the core) is off here: it would blur the fake's blobs.
const PREDICTOR = { boundaryRefinement: false } as const;

const WIDTH = 80;
const HEIGHT = 60;
const image = makeTestImage(WIDTH, HEIGHT);
const imageUrl = pngDataUrl(image);

/** Percent of a pixel centre, as the frontend would send for a click on that pixel. */
const pct = (px: number, size: number) => ((px + 0.5) / size) * 100;
const kp = (x: number, y: number, positive = true) =>
  keypointRegion(pct(x, WIDTH), pct(y, HEIGHT), positive, WIDTH, HEIGHT);

async function createBackend(options: Partial<BackendOptions> = {}) {
  return SimpleClickBackend.create({ model: async () => createFakeModel(), predictor: PREDICTOR, ...options });
}

/** The mask of running the predictor directly, click after click, as the official protocol does. */
async function referenceMask(source: RgbImage, clicks: readonly Click[]): Promise<BinaryMask> {
  const predictor = await ClickPredictor.create(createFakeModel(), PREDICTOR);
  let state;
  let result;
  for (let count = 1; count <= clicks.length; count++) {
    result = await predictor.predict(source, clicks.slice(0, count), state);
    state = result.state;
  }
  return (result as NonNullable<typeof result>).toMask();
}

function brushMaskOf(response: Awaited<ReturnType<SimpleClickBackend['predict']>>): BinaryMask {
  const region = response.results[0].result[0];
  return decodeLabelStudioBrushRle(region.value.rle as number[], region.original_width, region.original_height);
}

describe('SimpleClickBackend', () => {
  let backend: SimpleClickBackend;
  beforeAll(async () => {
    backend = await createBackend({ modelVersion: 'fake-1' });
  });
  afterAll(() => backend.close());

  it('health and setup answer without loading the model', () => {
    expect(backend.health()).toEqual({
      status: 'UP',
      model_class: 'SimpleClickBackend',
      model_version: 'fake-1',
      model_state: 'not-loaded',
    });
    expect(backend.setup({ project: '1.17', schema: BRUSH_CONFIG })).toEqual({ model_version: 'fake-1' });
    expect(backend.health().model_state).toBe('not-loaded');
    expect(backend.webhook({ action: 'ANNOTATION_CREATED' })).toEqual({ status: 'ok' });
  });

  it('a request without context (batch pre-annotation) gets no prediction', async () => {
    expect(
      await backend.predict({ tasks: [{ id: 1, data: { image: imageUrl } }], label_config: BRUSH_CONFIG, params: {} }),
    ).toEqual({
      results: [],
    });
    expect(backend.stats().modelRuns).toBe(0);
  });

  it('one keypoint: a brushlabels RLE region as Label Studio expects, equal to the predictor run directly', async () => {
    const response = await backend.predict(predictBody(imageUrl, [kp(40, 30)]));
    expect(response.results).toHaveLength(1);
    const prediction = response.results[0];
    expect(prediction.model_version).toBe('fake-1');
    expect(prediction.result).toHaveLength(1);
    const region = prediction.result[0];
    expect(region).toMatchObject({
      type: 'brushlabels',
      from_name: 'tag', // the BrushLabels tag, not the keypoint tool
      to_name: 'image',
      original_width: WIDTH,
      original_height: HEIGHT,
      image_rotation: 0,
      readonly: false,
      value: { format: 'rle', brushlabels: ['Orange'] },
    });
    expect(typeof region.id).toBe('string');
    expect(Array.isArray(region.value.rle)).toBe(true);
    expect(region.score).toBeGreaterThan(0.5);
    expect(region.score).toBeLessThanOrEqual(1);
    expect(prediction.score).toBe(region.score);
    const mask = brushMaskOf(response);
    expect(mask).toEqual(await referenceMask(image, [{ xPx: 40, yPx: 30, isPositive: true }]));
    expect(mask.data[30 * WIDTH + 40]).toBe(1);
    expect(backend.health().model_state).toBe('ready');
  });

  it('each request that adds one click runs the model once; repeats run nothing; an edited click replays', async () => {
    const fresh = await createBackend();
    const clicks: Click[] = [
      { xPx: 20, yPx: 15, isPositive: true },
      { xPx: 60, yPx: 40, isPositive: true },
      { xPx: 22, yPx: 16, isPositive: false },
    ];
    const regions = clicks.map((click) => kp(click.xPx, click.yPx, click.isPositive));
    const runs: number[] = [];
    let last;
    for (let count = 1; count <= clicks.length; count++) {
      const before = fresh.stats().modelRuns;
      last = await fresh.predict(predictBody(imageUrl, regions.slice(0, count)));
      runs.push(fresh.stats().modelRuns - before);
    }
    expect(runs).toEqual([1, 1, 1]);
    expect(brushMaskOf(last as never)).toEqual(await referenceMask(image, clicks));

    const before = fresh.stats().modelRuns;
    await fresh.predict(predictBody(imageUrl, regions));
    expect(fresh.stats().modelRuns - before).toBe(0);

    const edited = [kp(21, 15), ...regions.slice(1)];
    const beforeEdit = fresh.stats().modelRuns;
    const response = await fresh.predict(predictBody(imageUrl, edited));
    expect(fresh.stats().modelRuns - beforeEdit).toBe(3);
    expect(brushMaskOf(response)).toEqual(
      await referenceMask(image, [{ xPx: 21, yPx: 15, isPositive: true }, ...clicks.slice(1)]),
    );
    expect(fresh.stats().imageFetches).toBe(0); // data URLs are not downloads
    await fresh.close();
  });

  it('concurrent requests for different images each get their own correct mask', async () => {
    const other = makeTestImage(50, 70, [10, 10]);
    const otherUrl = pngDataUrl(other);
    const otherKp = (x: number, y: number) => keypointRegion(pct(x, 50), pct(y, 70), true, 50, 70);
    const [first, second] = await Promise.all([
      backend.predict(predictBody(imageUrl, [kp(10, 10), kp(70, 50)], { taskId: 1 })),
      backend.predict(predictBody(otherUrl, [otherKp(25, 60)], { taskId: 2 })),
    ]);
    expect(brushMaskOf(first)).toEqual(
      await referenceMask(image, [
        { xPx: 10, yPx: 10, isPositive: true },
        { xPx: 70, yPx: 50, isPositive: true },
      ]),
    );
    expect(brushMaskOf(second)).toEqual(await referenceMask(other, [{ xPx: 25, yPx: 60, isPositive: true }]));
  });

  it('polygons: polygonlabels in percent that fill back to the mask (holes filled)', async () => {
    const polygonBackend = await createBackend({ polygon: { epsilonPx: 0 } });
    const response = await polygonBackend.predict(
      predictBody(imageUrl, [kp(30, 20), kp(50, 35)], { config: POLYGON_CONFIG }),
    );
    const regions = response.results[0].result;
    expect(regions.length).toBeGreaterThan(0);
    const polygons = regions.map((region) => {
      expect(region).toMatchObject({ type: 'polygonlabels', from_name: 'poly', to_name: 'image', readonly: false });
      expect(region.value).toMatchObject({ polygonlabels: ['Orange'], closed: true });
      const points = region.value.points as [number, number][];
      for (const [x, y] of points) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(100);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(100);
      }
      return { outer: ringFromPercent(points, WIDTH, HEIGHT), holes: [] };
    });
    const expected = await referenceMask(image, [
      { xPx: 30, yPx: 20, isPositive: true },
      { xPx: 50, yPx: 35, isPositive: true },
    ]);
    expect(rasterizePolygons(polygons, WIDTH, HEIGHT)).toEqual(cleanUpMask(expected, { fillHolesMaxAreaPx: Infinity }));
    await polygonBackend.close();
  });

  it('a vertex budget bounds every polygon; both kinds at once', async () => {
    const both = await createBackend({ regions: 'both', polygon: { maxVertices: 5 } });
    const config = BRUSH_CONFIG.replace(
      '</View>',
      '<PolygonLabels name="poly" toName="image"><Label value="Orange"/></PolygonLabels></View>',
    );
    const response = await both.predict(predictBody(imageUrl, [kp(40, 30)], { config }));
    const types = response.results[0].result.map((region) => region.type);
    expect(types[0]).toBe('brushlabels');
    expect(types.slice(1).every((type) => type === 'polygonlabels')).toBe(true);
    for (const region of response.results[0].result.slice(1))
      expect((region.value.points as unknown[]).length).toBeLessThanOrEqual(5);
    await both.close();
  });

  it('a rectangle: a click at its centre, the mask clipped to it', async () => {
    const box = {
      type: 'rectanglelabels',
      to_name: 'image',
      original_width: WIDTH,
      original_height: HEIGHT,
      value: { x: 25, y: 25, width: 10, height: 10, rotation: 0, rectanglelabels: ['Banana'] },
    };
    const response = await backend.predict(predictBody(imageUrl, [box]));
    const region = response.results[0].result[0];
    expect(region.value.brushlabels).toEqual(['Banana']);
    const mask = brushMaskOf(response);
    // The box covers columns 20..27 and rows 15..20; its centre pixel is (23, 17).
    expect(mask.data[17 * WIDTH + 23]).toBe(1);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        if (x < 20 || x > 27 || y < 15 || y > 20) expect(mask.data[y * WIDTH + x]).toBe(0);
      }
    }
  });

  it('answers at the size Label Studio reports when it differs from the decoded one', async () => {
    const reported = [kp(40, 30)].map((region) => ({
      ...region,
      original_width: WIDTH * 2,
      original_height: HEIGHT * 2,
    }));
    const response = await backend.predict(predictBody(imageUrl, reported));
    const region = response.results[0].result[0];
    expect([region.original_width, region.original_height]).toEqual([WIDTH * 2, HEIGHT * 2]);
    expect(brushMaskOf(response).data.length).toBe(WIDTH * HEIGHT * 4);
  });

  it('post-processing keeps only the clicked components when asked', async () => {
    const keep = await createBackend({ postProcessing: { keepClickedComponents: true, fillHolesMaxAreaPx: Infinity } });
    const clicks: Click[] = [
      { xPx: 40, yPx: 30, isPositive: true },
      { xPx: 70, yPx: 50, isPositive: false },
    ];
    const response = await keep.predict(
      predictBody(
        imageUrl,
        clicks.map((click) => kp(click.xPx, click.yPx, click.isPositive)),
      ),
    );
    const raw = await referenceMask(image, clicks);
    expect(raw.data[0]).toBe(1); // the fake model's corner blob, under no click
    const expected = cleanUpMask(raw, { keep: 'clicked', clicks, fillHolesMaxAreaPx: Infinity });
    expect(expected.data[0]).toBe(0);
    expect(expected).not.toEqual(raw);
    expect(brushMaskOf(response)).toEqual(expected);
    await keep.close();
  });

  it('refuses unusable requests with typed errors and clear messages', async () => {
    const failure = async (body: unknown) => {
      try {
        await backend.predict(body);
      } catch (error) {
        return error as BackendError & { status?: number };
      }
      throw new Error('expected the request to fail');
    };
    const noConfig = { ...predictBody(imageUrl, [kp(1, 1)]), label_config: undefined, project: '99.1' };
    expect((await failure(noConfig)).message).toMatch(/label_config/);
    const keypointsOnly = '<View><Image name="image" value="$image"/><KeyPointLabels name="k" toName="image"/></View>';
    const noBrush = await failure(predictBody(imageUrl, [kp(1, 1)], { config: keypointsOnly }));
    expect([noBrush.status, noBrush.code]).toEqual([422, 'LABEL_CONFIG']);
    const noImage = await failure({
      ...predictBody(imageUrl, [kp(1, 1)]),
      tasks: [{ id: 1, data: { picture: imageUrl } }],
    });
    expect(noImage.status).toBe(400);
    expect(noImage.message).toMatch(/tasks\[0\]\.data\.image/);
    const outside = await failure(predictBody(imageUrl, [keypointRegion(150, 10, true, WIDTH, HEIGHT)]));
    expect(outside.code).toBe('INVALID_CLICK');
    const corrupt = await failure(predictBody('data:image/png;base64,iVBORw0KGgoAAAAN', [kp(1, 1)]));
    expect(corrupt.code).toBe('INVALID_IMAGE');
    const empty = await failure({ ...predictBody(imageUrl, [kp(1, 1)]), tasks: [] });
    expect(empty.message).toMatch(/"tasks" is empty/);
  });

  it('uses the /setup schema of the project when a /predict has no label_config', async () => {
    backend.setup({ project: '42.1700000000', schema: BRUSH_CONFIG });
    const body = { ...predictBody(imageUrl, [kp(40, 30)]), label_config: undefined, project: '42.1700000001' };
    const response = await backend.predict(body);
    expect(response.results[0].result[0].type).toBe('brushlabels');
  });

  it('a model that fails to load gives a 500 MODEL_LOAD, health says so, and the next request tries again', async () => {
    let attempts = 0;
    const flaky = await SimpleClickBackend.create({
      model: async () => {
        attempts++;
        if (attempts === 1) throw new ModelLoadError('cannot create the session');
        return createFakeModel();
      },
    });
    const body = predictBody(imageUrl, [kp(40, 30)]);
    const error = await flaky.predict(body).catch((caught: unknown) => toBackendError(caught));
    expect([(error as BackendError).status, (error as BackendError).code]).toEqual([500, 'MODEL_LOAD']);
    expect(flaky.health().model_state).toBe('failed');
    expect((await flaky.predict(body)).results[0].result).toHaveLength(1);
    expect(flaky.health().model_state).toBe('ready');
    await flaky.close();
    await expect(flaky.predict(body)).rejects.toThrow(/shutting down/);
  });

  it('refuses bad options at creation', async () => {
    await expect(createBackend({ regions: 'mask' as never })).rejects.toThrow(/regions/);
    await expect(createBackend({ polygon: { maxVertices: 2 } })).rejects.toThrow(/maxVertices/);
    await expect(createBackend({ labelStudio: { apiKey: 'k' } })).rejects.toThrow(/URL/);
    await expect(createBackend({ predictor: { maskThreshold: 2 } })).rejects.toThrow(/maskThreshold/);
    await expect(SimpleClickBackend.create({ model: '/nonexistent/model.onnx' })).rejects.toThrow(
      /cannot read the model file/,
    );
  });
});
