/**
 * The browser runner in a real browser: the built SDK bundle (packages/core/dist/web.mjs, as the demo server
 * serves it) running the default xTiny model on onnxruntime-web's WASM backend in chromium, against the same
 * predictor on onnxruntime-node in this process. Also checks that the demo server's COOP/COEP headers give
 * onnxruntime-web its threads, and that without them it falls back to one (what the headers are for).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickPredictor,
  createNodeModel,
  decodeImageFile,
  type Click,
  type RgbImage,
  type Roi,
} from '@simpleclick/core/node';
import { maxAbsDifference, tinyGraphBytes } from '../../packages/core/test-support/tiny-graph';
import {
  BROWSER_SUITE_SKIP_REASON,
  float32FromBase64,
  openBrowserFixture,
  openSandbox,
  REPO_ROOT,
  toBase64,
  warnIfBundleIsStale,
  XTINY_FILE,
  XTINY_SUITE_SKIP_REASON,
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_TEST_OPTIONS,
  reportSkippedSuite,
  type BrowserFixture,
} from './support/browser-suite';

/** Web (WASM) and node probabilities differ by up to about 2e-4 (docs/environment.md, runtimes). */
const TOLERANCE = 1e-3;
const THREADS = 2;

/**
 * Clicks on examples/images/fruit.png (640 x 480): inside the fruit, then on the blue box. Click k > 1
 * starts from the node probabilities after click k-1 in both runtimes (`stateFromProbabilities`), so a pixel
 * that sits at 0.5 cannot send the two runs to different zoom-in boxes and make a tiny difference a large one.
 */
const CLICKS: readonly Click[] = [
  { xPx: 300, yPx: 270, isPositive: true },
  { xPx: 535, yPx: 275, isPositive: false },
];

interface WebStepResult {
  readonly roi: Roi;
  readonly probabilities: string;
  readonly totalMs: number;
  readonly modelMs: number;
}

interface WebRunResult {
  readonly steps: WebStepResult[];
  readonly executionProviders: string[];
  readonly ortNumThreads: number;
  readonly crossOriginIsolated: boolean;
  readonly workersStarted: number;
  readonly createMs: number;
}

reportSkippedSuite('browser: web runner', XTINY_SUITE_SKIP_REASON);

describe.skipIf(XTINY_SUITE_SKIP_REASON !== undefined)(
  'browser: web runner vs onnxruntime-node',
  BROWSER_TEST_OPTIONS,
  () => {
    let fixture: BrowserFixture;
    let image: RgbImage;
    const nodeSteps: { roi: Roi; probabilities: Float32Array }[] = [];

    beforeAll(async () => {
      warnIfBundleIsStale();
      image = await decodeImageFile(join(REPO_ROOT, 'examples', 'images', 'fruit.png'));
      // The node reference first (one process, so the two runtimes do not compete for the 2 cores).
      const nodePredictor = await ClickPredictor.create(await createNodeModel(join(REPO_ROOT, 'models', XTINY_FILE)), {
        preset: 'parity',
      });
      try {
        for (let k = 1; k <= CLICKS.length; k++) {
          const previous = nodeSteps.at(-1);
          const state =
            previous === undefined
              ? undefined
              : nodePredictor.stateFromProbabilities(image, {
                  width: image.width,
                  height: image.height,
                  data: previous.probabilities,
                });
          const result = await nodePredictor.predict(image, CLICKS.slice(0, k), state);
          nodeSteps.push({ roi: result.roi, probabilities: new Float32Array(result.probabilities.data) });
        }
      } finally {
        await nodePredictor.close();
      }
      fixture = await openBrowserFixture({ countWorkers: true });
      await openSandbox(fixture);
    }, BROWSER_SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await fixture?.close();
    });

    it('decodes the example PNG in the page to the same RGB bytes as the Node decoder', async () => {
      const pageRgb = await fixture.page.evaluate(async () => {
        const { rgbImageFromImageData } = (window as unknown as { simpleclick: typeof import('@simpleclick/core/web') })
          .simpleclick;
        const bitmap = await createImageBitmap(await (await fetch('examples/images/fruit.png')).blob());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        const rgb = rgbImageFromImageData(context.getImageData(0, 0, bitmap.width, bitmap.height));
        let binary = '';
        for (let i = 0; i < rgb.data.length; i += 0x8000)
          binary += String.fromCharCode(...rgb.data.subarray(i, i + 0x8000));
        return { width: rgb.width, height: rgb.height, data: btoa(binary) };
      });
      expect([pageRgb.width, pageRgb.height]).toEqual([image.width, image.height]);
      expect(pageRgb.data === toBase64(image.data)).toBe(true);
    });

    it('runs on WASM with 2 threads in a cross-origin isolated page, and matches onnxruntime-node within 1e-3', async () => {
      const webRun: WebRunResult = await fixture.page.evaluate(
        async ({ modelUrl, width, height, imageBase64, clicks, previousProbabilities, threads }) => {
          const scope = window as unknown as {
            simpleclick: typeof import('@simpleclick/core/web');
            ort: typeof import('onnxruntime-web');
            __workersStarted: number;
          };
          const { createWebModel, ClickPredictor } = scope.simpleclick;
          const bytesOf = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
          const base64Of = (bytes: Uint8Array) => {
            let binary = '';
            for (let i = 0; i < bytes.length; i += 0x8000)
              binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return btoa(binary);
          };
          const createStartMs = performance.now();
          const model = await createWebModel(modelUrl, { executionProviders: ['wasm'], numThreads: threads });
          const createMs = performance.now() - createStartMs;
          const predictor = await ClickPredictor.create(model, { preset: 'parity' });
          const image = { width, height, data: bytesOf(imageBase64) };
          const steps = [];
          for (let k = 1; k <= clicks.length; k++) {
            const previous = previousProbabilities[k - 1];
            const state =
              previous === null
                ? undefined
                : predictor.stateFromProbabilities(image, {
                    width,
                    height,
                    data: new Float32Array(bytesOf(previous).buffer),
                  });
            const result = await predictor.predict(image, clicks.slice(0, k), state);
            const probabilities = result.probabilities.data;
            steps.push({
              roi: result.roi,
              probabilities: base64Of(
                new Uint8Array(probabilities.buffer, probabilities.byteOffset, probabilities.byteLength),
              ),
              totalMs: result.timing.totalMs,
              modelMs: result.timing.modelMs,
            });
          }
          const executionProviders = [...model.executionProviders];
          await predictor.close();
          return {
            steps,
            executionProviders,
            ortNumThreads: scope.ort.env.wasm.numThreads ?? 0,
            crossOriginIsolated,
            workersStarted: scope.__workersStarted,
            createMs,
          };
        },
        {
          modelUrl: `models/${XTINY_FILE}`,
          width: image.width,
          height: image.height,
          imageBase64: toBase64(image.data),
          clicks: CLICKS,
          // Click k starts from node's probabilities after click k-1 (none for the first).
          previousProbabilities: [null, ...nodeSteps.slice(0, -1).map((step) => toBase64(step.probabilities))],
          threads: THREADS,
        },
      );

      expect(webRun.crossOriginIsolated).toBe(true);
      expect(webRun.executionProviders).toEqual(['wasm']);
      // onnxruntime-web keeps numThreads only when threads work (else it sets 1), and its pthreads are Web Workers.
      expect(webRun.ortNumThreads).toBe(THREADS);
      expect(webRun.workersStarted).toBeGreaterThanOrEqual(1);

      expect(webRun.steps).toHaveLength(CLICKS.length);
      const differences: number[] = [];
      webRun.steps.forEach((step, index) => {
        expect(step.roi, `ROI of click ${index + 1}`).toEqual(nodeSteps[index].roi);
        const web = float32FromBase64(step.probabilities);
        expect(web.length).toBe(image.width * image.height);
        differences.push(maxAbsDifference(web, nodeSteps[index].probabilities));
      });
      console.info(
        `browser web runner: session ${Math.round(webRun.createMs)} ms, clicks ${webRun.steps
          .map((step) => `${Math.round(step.totalMs)} ms (model ${Math.round(step.modelMs)})`)
          .join(
            ', ',
          )} with flip; max |p_web - p_node| per click ${differences.map((d) => d.toExponential(2)).join(', ')}`,
      );
      for (const difference of differences) expect(difference).toBeLessThan(TOLERANCE);
      // The map is not trivially constant: the comparison above means something.
      const first = nodeSteps[0].probabilities;
      expect(Math.max(...first.subarray(0, 5000)) - Math.min(...first.subarray(0, 5000))).toBeGreaterThan(1e-3);
      expect(fixture.pageErrors).toEqual([]);
    });
  },
);

describe.skipIf(BROWSER_SUITE_SKIP_REASON !== undefined)(
  'browser: the demo server without COOP/COEP',
  BROWSER_TEST_OPTIONS,
  () => {
    let fixture: BrowserFixture;

    beforeAll(async () => {
      fixture = await openBrowserFixture({ crossOriginIsolation: false, countWorkers: true });
      await openSandbox(fixture);
    }, BROWSER_SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await fixture?.close();
    });

    it('leaves the page not isolated, and onnxruntime-web falls back to one thread', async () => {
      const result = await fixture.page.evaluate(
        async ({ graphBase64 }) => {
          const scope = window as unknown as {
            simpleclick: typeof import('@simpleclick/core/web');
            ort: typeof import('onnxruntime-web');
            __workersStarted: number;
          };
          const bytes = Uint8Array.from(atob(graphBase64), (c) => c.charCodeAt(0));
          const model = await scope.simpleclick.createWebModel(bytes, { executionProviders: ['wasm'], numThreads: 2 });
          await model.close();
          return {
            crossOriginIsolated,
            ortNumThreads: scope.ort.env.wasm.numThreads,
            workersStarted: scope.__workersStarted,
          };
        },
        { graphBase64: toBase64(tinyGraphBytes('tiny-s32.onnx')) },
      );
      expect(result).toEqual({ crossOriginIsolated: false, ortNumThreads: 1, workersStarted: 0 });
    });
  },
);
