/**
 * The SDK's worker in chromium (the built dist/web.mjs and dist/web-worker.mjs, as the demo server serves them),
 * against the main-thread path on the same page: the same masks and probabilities click by click, errors
 * arriving as their typed classes, close() ending the worker, and every image-sized array moved rather than
 * copied. Skipped with a message without chromium or the build (test/browser/support/browser-suite.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker as PlaywrightWorker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATHS } from '../../../../../examples/web-demo/server/demo-server.mjs';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_TEST_OPTIONS,
  openBrowserFixture,
  openSandbox,
  reportSkippedSuite,
  warnIfBundleIsStale,
  XTINY_FILE,
  XTINY_SUITE_SKIP_REASON,
  type BrowserFixture,
} from '../../../../../test/browser/support/browser-suite';

const SKIP_REASON =
  XTINY_SUITE_SKIP_REASON ??
  (existsSync(DEMO_PATHS.coreWorkerBundle)
    ? undefined
    : `browser tests skipped: ${DEMO_PATHS.coreWorkerBundle} is missing: run \`npm run build\` first`);

/** A model without SimpleClick metadata (the contract check must refuse it in the worker). */
const NO_METADATA_MODEL = join(
  DEMO_PATHS.repoRoot,
  'packages',
  'core',
  'src',
  'model',
  '__fixtures__',
  'missing-metadata-s32.onnx',
);

type Sdk = typeof import('@simpleclick/core/web');

reportSkippedSuite('browser: SDK worker', SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)('browser: SDK worker', BROWSER_TEST_OPTIONS, () => {
  let fixture: BrowserFixture;
  /** Workers of the page that are running (the SDK's and onnxruntime's WASM threads inside it). */
  const liveWorkers = new Set<PlaywrightWorker>();

  beforeAll(async () => {
    warnIfBundleIsStale();
    fixture = await openBrowserFixture();
    fixture.page.on('worker', (worker) => {
      liveWorkers.add(worker);
      worker.on('close', () => liveWorkers.delete(worker));
    });
    await openSandbox(fixture);
  }, BROWSER_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await fixture?.close();
  });

  it('gives bit-identical masks and probabilities to the main-thread session, operation by operation', async () => {
    const result = await fixture.page.evaluate(async (modelUrl) => {
      const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
      const bitmap = await createImageBitmap(await (await fetch('examples/images/fruit.png')).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const imageData = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const rgb = sdk.rgbImageFromImageData(imageData);
      // The same model settings both ways: WASM, 2 threads, the interactive preset.
      const modelOptions = { executionProviders: ['wasm'], numThreads: 2 };
      type Step = (session: {
        addClick(click: {
          xPx: number;
          yPx: number;
          isPositive: boolean;
        }): Promise<{ mask: { data: Uint8Array }; revision: number }>;
        undo(): Promise<{ mask: { data: Uint8Array }; revision: number }>;
        redo(): Promise<{ mask: { data: Uint8Array }; revision: number }>;
        setThreshold(t: number): Promise<{ mask: { data: Uint8Array }; revision: number }>;
        finishObject(): Promise<{ mask: { data: Uint8Array }; revision: number }>;
      }) => Promise<{ mask: { data: Uint8Array }; revision: number }>;
      const steps: Step[] = [
        (s) => s.addClick({ xPx: 300, yPx: 270, isPositive: true }),
        (s) => s.addClick({ xPx: 535, yPx: 275, isPositive: false }),
        (s) => s.addClick({ xPx: 80, yPx: 420, isPositive: false }),
        (s) => s.undo(),
        (s) => s.redo(),
        (s) => s.setThreshold(0.3),
        (s) => s.finishObject(),
        (s) => s.addClick({ xPx: 535, yPx: 275, isPositive: true }),
        (s) => s.addClick({ xPx: 560, yPx: 330, isPositive: true }),
      ];
      const hashOf = (data: ArrayLike<number>) => {
        let hash = 0x811c9dc5;
        let ones = 0;
        for (let i = 0; i < data.length; i++) {
          hash = Math.imul(hash ^ data[i], 0x01000193) >>> 0;
          if (data[i] !== 0) ones += 1;
        }
        return `${hash.toString(16)}/${ones}`;
      };
      const floatHash = (values: Float32Array) =>
        hashOf(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));

      // Main thread.
      const model = await sdk.createWebModel(modelUrl, modelOptions);
      const predictor = await sdk.ClickPredictor.create(model);
      const mainSession = await sdk.SegmentationSession.create(predictor, rgb);
      const main: string[] = [];
      for (const step of steps) {
        const state = await step(mainSession);
        main.push(`${state.revision}:${hashOf(state.mask.data)}:${floatHash(mainSession.getProbabilities().data)}`);
      }
      const mainLabels = hashOf(mainSession.getLabelMap().data);
      await mainSession.close();
      await predictor.close();

      // Worker: RGBA straight from the canvas, moved.
      const workerPredictor = await sdk.createWorkerPredictor(modelUrl, modelOptions);
      const session = await workerPredictor.createSession(imageData, { transferImage: true });
      const imageDetached = imageData.data.byteLength === 0;
      const worker: string[] = [];
      let sharedMask = true;
      let lastEventMask: unknown;
      session.on('prediction', (event) => {
        lastEventMask = event.mask;
      });
      for (const step of steps) {
        const state = await step(session);
        sharedMask &&= state.mask === lastEventMask && session.getState() === state;
        worker.push(
          `${state.revision}:${hashOf(state.mask.data)}:${floatHash((await session.getProbabilities()).data)}`,
        );
      }
      const workerLabels = hashOf((await session.getLabelMap()).data);
      const info = {
        backend: workerPredictor.backend,
        threads: workerPredictor.wasmNumThreads,
        isolated: workerPredictor.crossOriginIsolated,
      };
      await session.close();
      await workerPredictor.close();
      return { main, worker, mainLabels, workerLabels, imageDetached, sharedMask, info };
    }, `models/${XTINY_FILE}`);

    expect(result.info).toEqual({ backend: 'wasm', threads: 2, isolated: true });
    // Same onnxruntime-web build, same threads, same SDK code on the same pixels: the same float32 numbers.
    expect(result.worker).toEqual(result.main);
    expect(result.workerLabels).toBe(result.mainLabels);
    // The masks are not trivially empty, so the comparison means something.
    expect(result.main.filter((entry) => !entry.split(':')[1].endsWith('/0')).length).toBeGreaterThanOrEqual(6);
    expect(result.imageDetached).toBe(true);
    // One mask per revision: the event's, the resolved state's and getState()'s are the same object.
    expect(result.sharedMask).toBe(true);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('starts a session from a moved ImageBitmap (read in the worker) with the masks of its ImageData, and computes object outputs there', async () => {
    const result = await fixture.page.evaluate(async (modelUrl) => {
      const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
      const blob = await (await fetch('examples/images/fruit.png')).blob();
      const decode = () => createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const forPixels = await decode();
      const context = new OffscreenCanvas(forPixels.width, forPixels.height).getContext('2d', {
        willReadFrequently: true,
      })!;
      context.drawImage(forPixels, 0, 0);
      const imageData = context.getImageData(0, 0, forPixels.width, forPixels.height);
      const predictor = await sdk.createWorkerPredictor(modelUrl, { executionProviders: ['wasm'], numThreads: 2 });
      const bitmap = await decode();
      const before = await predictor.getTransferStats();
      const fromBitmap = await predictor.createSession(bitmap);
      const bitmapSizeAfter = [bitmap.width, bitmap.height];
      const afterBitmap = await predictor.getTransferStats();
      const fromPixels = await predictor.createSession(imageData);
      const clicks = [
        { xPx: 300, yPx: 270, isPositive: true },
        { xPx: 535, yPx: 275, isPositive: false },
      ];
      const same: boolean[] = [];
      for (const click of clicks) {
        const a = await fromBitmap.addClick(click);
        const b = await fromPixels.addClick(click);
        same.push(
          a.mask.data.length === b.mask.data.length && a.mask.data.every((value, i) => value === b.mask.data[i]),
        );
      }
      const request = {
        cleanUp: { keep: 'clicked' as const, fillHolesMaxAreaPx: 100 },
        meanProbability: true,
        labelStudioBrushRle: true,
        polygons: { epsilonPx: 1 },
        mask: true,
      };
      const inWorker = await fromBitmap.getObjectOutputs(undefined, request);
      const state = fromBitmap.getState();
      const probabilities = await fromBitmap.getProbabilities();
      const onPage = sdk.computeObjectOutputs(
        {
          objectId: state.currentObjectId,
          mask: state.mask,
          clicks: state.clicks,
          probabilities: () => probabilities.data,
        },
        request,
      );
      await predictor.close();
      return {
        same,
        bitmapSizeAfter,
        bitmapBytes: afterBitmap.toWorker.transferredBytes - before.toWorker.transferredBytes,
        copiedBytes: afterBitmap.toWorker.copiedBytes - before.toWorker.copiedBytes,
        pixels: imageData.width * imageData.height,
        outputsEqual:
          JSON.stringify({ ...inWorker, mask: Array.from(inWorker.mask!.data) }) ===
          JSON.stringify({ ...onPage, mask: Array.from(onPage.mask!.data) }),
        areaPx: inWorker.areaPx,
      };
    }, `models/${XTINY_FILE}`);
    expect(result.same).toEqual([true, true]);
    // The bitmap was moved (it reads 0 x 0 here since), counted as its RGBA bytes, and nothing was copied.
    expect(result.bitmapSizeAfter).toEqual([0, 0]);
    expect(result.bitmapBytes).toBe(result.pixels * 4);
    expect(result.copiedBytes).toBe(0);
    expect(result.areaPx).toBeGreaterThan(0);
    expect(result.outputsEqual).toBe(true);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('moves every image-sized array: per click one mask crosses, moved, and nothing image-sized is copied', async () => {
    const result = await fixture.page.evaluate(async (modelUrl) => {
      const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
      const width = 1600;
      const height = 1200;
      const data = new Uint8Array(width * height * 3);
      for (let i = 0; i < data.length; i += 3) {
        const pixel = i / 3;
        const inside = Math.hypot((pixel % width) - 800, Math.floor(pixel / width) - 600) < 300;
        data[i] = inside ? 220 : 30;
        data[i + 1] = inside ? 60 : 90;
        data[i + 2] = inside ? 40 : 160;
      }
      const predictor = await sdk.createWorkerPredictor(modelUrl, { executionProviders: ['wasm'], numThreads: 2 });
      const image = { width, height, data };
      const session = await predictor.createSession(image); // copied once: the caller keeps its pixels
      const callerKeepsPixels = data.byteLength === width * height * 3;
      const before = await predictor.getTransferStats();
      const clicks = [
        { xPx: 800, yPx: 600, isPositive: true },
        { xPx: 1200, yPx: 600, isPositive: false },
        { xPx: 700, yPx: 500, isPositive: true },
        { xPx: 100, yPx: 100, isPositive: false },
      ];
      const received: ArrayBuffer[] = [];
      session.on('prediction', (event) => received.push(event.mask.data.buffer as ArrayBuffer));
      for (const click of clicks) await session.addClick(click);
      const after = await predictor.getTransferStats();
      await predictor.close();
      return {
        callerKeepsPixels,
        clicks: clicks.length,
        pixels: width * height,
        distinctBuffers: new Set(received).size,
        receivedBytes: received.map((buffer) => buffer.byteLength),
        before,
        after,
        closedSession: session.isClosed,
      };
    }, `models/${XTINY_FILE}`);

    const { before, after, pixels, clicks } = result;
    expect(result.callerKeepsPixels).toBe(true);
    // The image crossed once, at createSession, moved after one copy (so the caller kept it).
    expect(before.toWorker.transferredBytes).toBeGreaterThanOrEqual(pixels * 3);
    expect(before.toWorker.copiedBytes).toBe(0);
    // Per click: exactly one W x H mask came back, moved (detached in the worker after the post)...
    expect(after.fromWorker.transferredBytes - before.fromWorker.transferredBytes).toBe(clicks * pixels);
    expect(after.fromWorker.notDetached).toBe(0);
    expect(after.toWorker.notDetached).toBe(0);
    // ...and no message either way copied an array (clicks and states are a few hundred bytes of plain data).
    expect(after.fromWorker.copiedBytes).toBe(0);
    expect(after.toWorker.copiedBytes - before.toWorker.copiedBytes).toBe(0);
    expect(result.receivedBytes).toEqual(Array(clicks).fill(pixels));
    expect(result.distinctBuffers).toBe(clicks);
    // Closing the predictor closed its session too.
    expect(result.closedSession).toBe(true);
    expect(fixture.pageErrors).toEqual([]);
  });

  it('rebuilds errors from the worker as their typed classes', async () => {
    const noMetadataBase64 = readFileSync(NO_METADATA_MODEL).toString('base64');
    const result = await fixture.page.evaluate(
      async ({ modelUrl, noMetadataBase64 }) => {
        const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
        const describe = (error: unknown, expected: new (...args: never[]) => Error) => {
          const e = error as Error & { code?: string };
          return {
            name: e?.name,
            code: e?.code,
            isExpected: e instanceof expected,
            isSimpleClickError: e instanceof sdk.SimpleClickError,
            fromWorker: typeof e?.stack === 'string' && e.stack.includes('received from the SimpleClick worker'),
          };
        };
        const caught = async (run: () => Promise<unknown>) => {
          try {
            await run();
          } catch (error) {
            return error;
          }
          return undefined;
        };
        const options = { executionProviders: ['wasm'], numThreads: 2 };
        const noScript = await caught(() =>
          sdk.createWorkerPredictor(modelUrl, { ...options, workerUrl: 'core/no-such-worker.mjs' }),
        );
        const missing = await caught(() => sdk.createWorkerPredictor('models/no-such-model.onnx', options));
        const bytes = Uint8Array.from(atob(noMetadataBase64), (c) => c.charCodeAt(0));
        const contract = await caught(() => sdk.createWorkerPredictor(bytes, options));

        const predictor = await sdk.createWorkerPredictor(modelUrl, options);
        const session = await predictor.createSession({
          width: 64,
          height: 48,
          data: new Uint8Array(64 * 48 * 3).fill(90),
        });
        const outside = await caught(() => session.addClick({ xPx: 64, yPx: 10, isPositive: true }));
        const errorEvents: unknown[] = [];
        session.on('error', (event) => errorEvents.push(event.error));
        const negativeFirst = await caught(() => session.addClick({ xPx: 10, yPx: 10, isPositive: false }));
        const badThreshold = await caught(() => session.setThreshold(2));
        const badImage = await caught(() => predictor.createSession({ width: 4, height: 4, data: new Uint8Array(5) }));
        await predictor.close();
        const closed = await caught(() => session.addClick({ xPx: 10, yPx: 10, isPositive: true }));
        return {
          noScript: { ...describe(noScript, sdk.ModelLoadError), message: (noScript as Error)?.message },
          missing: describe(missing, sdk.ModelLoadError),
          contract: describe(contract, sdk.ModelContractError),
          outside: describe(outside, sdk.InvalidClickError),
          negativeFirst: describe(negativeFirst, sdk.NoPositiveClickError),
          negativeFirstEvent: describe(errorEvents[0], sdk.NoPositiveClickError),
          badThreshold: describe(badThreshold, sdk.InvalidArgumentError),
          badImage: describe(badImage, sdk.InvalidImageError),
          closed: describe(closed, sdk.SessionClosedError),
        };
      },
      { modelUrl: `models/${XTINY_FILE}`, noMetadataBase64 },
    );

    // A worker script that does not load is reported by the page's side, as the same class as a model that does not.
    expect(result.noScript).toMatchObject({ name: 'ModelLoadError', code: 'MODEL_LOAD', isExpected: true });
    expect(result.noScript.message).toMatch(/worker script could not start/);
    const fromWorker = { isExpected: true, isSimpleClickError: true, fromWorker: true };
    expect(result.missing).toEqual({ name: 'ModelLoadError', code: 'MODEL_LOAD', ...fromWorker });
    expect(result.contract).toEqual({ name: 'ModelContractError', code: 'MODEL_CONTRACT', ...fromWorker });
    expect(result.outside).toEqual({ name: 'InvalidClickError', code: 'INVALID_CLICK', ...fromWorker });
    expect(result.negativeFirst).toEqual({ name: 'NoPositiveClickError', code: 'INVALID_CLICK', ...fromWorker });
    expect(result.negativeFirstEvent).toEqual({ name: 'NoPositiveClickError', code: 'INVALID_CLICK', ...fromWorker });
    expect(result.badThreshold).toEqual({ name: 'InvalidArgumentError', code: 'INVALID_ARGUMENT', ...fromWorker });
    // Checked on this side before anything is sent, and after close: thrown here, same classes.
    expect(result.badImage).toMatchObject({ name: 'InvalidImageError', code: 'INVALID_IMAGE', isExpected: true });
    expect(result.closed).toMatchObject({ name: 'SessionClosedError', code: 'SESSION_CLOSED', isExpected: true });
    expect(fixture.pageErrors).toEqual([]);
  });

  it('terminates the worker (and its WebAssembly threads) on close, for a predictor and for a session that owns one', async () => {
    // The main-thread model of the first test keeps onnxruntime's WASM threads in the page: watch only new workers.
    const before = new Set(liveWorkers);
    const stillRunning = (workers: PlaywrightWorker[]) => workers.filter((worker) => liveWorkers.has(worker)).length;
    const waitUntilClosed = async (workers: PlaywrightWorker[]) => {
      for (let tries = 0; tries < 100 && stillRunning(workers) > 0; tries++)
        await new Promise((r) => setTimeout(r, 100));
      return stillRunning(workers);
    };
    await fixture.page.evaluate(async (modelUrl) => {
      const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
      const session = await sdk.createWorkerSession(
        modelUrl,
        { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) },
        {
          executionProviders: ['wasm'],
          numThreads: 2,
        },
      );
      (window as unknown as { ownedSession: unknown }).ownedSession = session;
    }, `models/${XTINY_FILE}`);
    const started = [...liveWorkers].filter((worker) => !before.has(worker));
    const urls = started.map((worker) => worker.url());
    const closed = await fixture.page.evaluate(async () => {
      const session = (window as unknown as { ownedSession: import('@simpleclick/core/web').WorkerSession })
        .ownedSession;
      let closedEvents = 0;
      session.on('closed', () => (closedEvents += 1));
      await session.close();
      return { closedEvents, isClosed: session.isClosed };
    });
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(urls.some((url) => url.endsWith('/core/web-worker.mjs'))).toBe(true);
    expect(closed).toEqual({ closedEvents: 1, isClosed: true });
    expect(await waitUntilClosed(started)).toBe(0);

    // A predictor shared by sessions: its close() ends the worker and every session on it.
    const beforePredictor = new Set(liveWorkers);
    await fixture.page.evaluate(async (modelUrl) => {
      const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
      const predictor = await sdk.createWorkerPredictor(modelUrl, { executionProviders: ['wasm'], numThreads: 2 });
      const sessions = [
        await predictor.createSession({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) }),
        await predictor.createSession({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3) }),
      ];
      (window as unknown as { sharedPredictor: unknown; sharedSessions: unknown }).sharedPredictor = predictor;
      (window as unknown as { sharedSessions: unknown }).sharedSessions = sessions;
    }, `models/${XTINY_FILE}`);
    const predictorWorkers = [...liveWorkers].filter((worker) => !beforePredictor.has(worker));
    expect(predictorWorkers.length).toBeGreaterThanOrEqual(1);
    const afterClose = await fixture.page.evaluate(async () => {
      const scope = window as unknown as {
        sharedPredictor: import('@simpleclick/core/web').WorkerPredictor;
        sharedSessions: import('@simpleclick/core/web').WorkerSession[];
      };
      await scope.sharedPredictor.close();
      return {
        predictor: scope.sharedPredictor.isClosed,
        sessions: scope.sharedSessions.map((session) => session.isClosed),
      };
    });
    expect(afterClose).toEqual({ predictor: true, sessions: [true, true] });
    expect(await waitUntilClosed(predictorWorkers)).toBe(0);
    expect(fixture.pageErrors).toEqual([]);
  });
});
