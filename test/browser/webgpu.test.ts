/**
 * WebGPU, as a functional check only: chromium with --enable-unsafe-webgpu runs WebGPU on SwiftShader, a CPU
 * emulation about 100x slower than WASM (docs/environment.md, browser tests), so this runs the S = 32 test graph of
 * packages/core/scripts/make-test-graphs.py (logits known in closed form, packages/core/test-support/tiny-graph.ts)
 * through the built SDK's createWebModel with WebGPU as the only execution provider, never the real model.
 * Skipped, saying so, when the browser offers no WebGPU adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maxAbsDifference,
  tinyGraphBytes,
  tinyGraphInputs,
  tinyGraphLogits,
  TINY_GRAPH_SIZE_PX,
} from '../../packages/core/test-support/tiny-graph';
import { CHROMIUM_WEBGPU_FLAGS } from './support/chromium';
import {
  BROWSER_SUITE_SKIP_REASON,
  float32FromBase64,
  openBrowserFixture,
  openSandbox,
  toBase64,
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_TEST_OPTIONS,
  reportSkippedSuite,
  type BrowserFixture,
} from './support/browser-suite';

const BATCH_SIZE = 2;

reportSkippedSuite('browser: WebGPU', BROWSER_SUITE_SKIP_REASON);

describe.skipIf(BROWSER_SUITE_SKIP_REASON !== undefined)(
  'browser: WebGPU on the tiny test graph',
  BROWSER_TEST_OPTIONS,
  () => {
    let fixture: BrowserFixture;
    /** Why WebGPU is unusable in this browser, or undefined when an adapter exists. */
    let noWebGpuReason: string | undefined;

    beforeAll(async () => {
      fixture = await openBrowserFixture({ flags: CHROMIUM_WEBGPU_FLAGS });
      await openSandbox(fixture);
      noWebGpuReason = await fixture.page.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        if (gpu === undefined) return 'navigator.gpu is unavailable';
        return (await gpu.requestAdapter()) === null ? 'navigator.gpu.requestAdapter() found no adapter' : undefined;
      });
    }, BROWSER_SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await fixture?.close();
    });

    it('runs the tiny graph on WebGPU with the known logits', async (context) => {
      if (noWebGpuReason !== undefined) {
        context.skip(
          `WebGPU check skipped: ${noWebGpuReason} in this chromium (flags ${CHROMIUM_WEBGPU_FLAGS.join(' ')})`,
        );
      }
      const { image, clickMaps } = tinyGraphInputs(BATCH_SIZE, 7);
      const result = await fixture.page.evaluate(
        async ({ graphBase64, imageBase64, clickMapsBase64, batchSize, sizePx }) => {
          const scope = window as unknown as {
            simpleclick: typeof import('@simpleclick/core/web');
            ort: typeof import('onnxruntime-web');
          };
          const bytesOf = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
          const model = await scope.simpleclick.createWebModel(bytesOf(graphBase64), {
            executionProviders: ['webgpu'],
          });
          const output = await model.run({
            batchSize,
            sizePx,
            image: new Float32Array(bytesOf(imageBase64).buffer),
            clickMaps: new Float32Array(bytesOf(clickMapsBase64).buffer),
          });
          const logitBytes = new Uint8Array(output.logits.buffer, output.logits.byteOffset, output.logits.byteLength);
          const executionProviders = [...model.executionProviders];
          await model.close();
          return {
            executionProviders,
            // onnxruntime-web sets env.webgpu.adapter once its WebGPU backend started.
            webGpuStarted: scope.ort.env.webgpu.adapter !== undefined,
            logitsBase64: btoa(String.fromCharCode(...logitBytes)),
          };
        },
        {
          graphBase64: toBase64(tinyGraphBytes('tiny-s32.onnx')),
          imageBase64: toBase64(image),
          clickMapsBase64: toBase64(clickMaps),
          batchSize: BATCH_SIZE,
          sizePx: TINY_GRAPH_SIZE_PX,
        },
      );
      expect(result.executionProviders).toEqual(['webgpu']);
      expect(result.webGpuStarted).toBe(true);
      const logits = float32FromBase64(result.logitsBase64);
      expect(logits.length).toBe(BATCH_SIZE * TINY_GRAPH_SIZE_PX * TINY_GRAPH_SIZE_PX);
      // GPU arithmetic may fuse or reorder the graph's few float32 steps: a little slack over the exact formula.
      expect(maxAbsDifference(logits, tinyGraphLogits(image, clickMaps, BATCH_SIZE))).toBeLessThan(1e-4);
      expect(fixture.pageErrors).toEqual([]);
    });
  },
);
