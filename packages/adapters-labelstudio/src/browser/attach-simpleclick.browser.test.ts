/**
 * The plugin on the SDK's Web Worker (the example's default) against the plugin on the page's thread
 * (`?worker=0`), in chromium, through Label Studio 1.4.0's own UI on the embedding example
 * (examples/labelstudio-embed): the same keypoints must give the same suggestions, byte for byte (brush RLE and
 * score), click by click. Behaviour only: how long clicks block the page is measured by
 * packages/core/bench/labelstudio-embed.bench.ts, which asserts nothing. Skipped with a message without chromium,
 * the build, or the Label Studio frontend.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  labelStudioEmbedSetupProblem,
  startLabelStudioEmbedServer,
  type LabelStudioEmbedServer,
} from '../../../../examples/labelstudio-embed/server/labelstudio-embed-server.mjs';
import { CHROMIUM_FLAGS, launchChromium, type LaunchedBrowser } from '../../../../test/browser/support/chromium';
import {
  BROWSER_SETUP_TIMEOUT_MS,
  BROWSER_SUITE_SKIP_REASON,
  BROWSER_TEST_TIMEOUT_MS,
  reportSkippedSuite,
  warnIfBundleIsStale,
} from '../../../../test/browser/support/browser-suite';
import {
  openEmbedPage,
  pickSmartTool,
  placeKeypoint,
  readEmbedPage,
  waitForAnswers,
  type EmbedPageSnapshot,
} from './test-support/label-studio-ui';

const SKIP_REASON: string | undefined =
  BROWSER_SUITE_SKIP_REASON ??
  (labelStudioEmbedSetupProblem() !== undefined
    ? `Label Studio plugin browser test skipped: ${labelStudioEmbedSetupProblem()}`
    : undefined);

/** Inside the fruit, on the blue box (negative), then on the leaf: image pixels of examples/images/fruit.png. */
const KEYPOINTS = [
  { pixel: { xPx: 300, yPx: 270 }, negative: false },
  { pixel: { xPx: 535, yPx: 275 }, negative: true },
  { pixel: { xPx: 312, yPx: 160 }, negative: false },
];

/** The suggestions with their random region ids replaced by their order of appearance (they differ per page load). */
function withoutRandomIds(snapshot: EmbedPageSnapshot): unknown[] {
  const names = new Map<string, string>();
  return snapshot.events.map((event) => ({
    clicks: event.clicks,
    modelRuns: event.modelRuns,
    results: (event.results as Record<string, unknown>[]).map((result) => {
      const id = String(result.id);
      if (!names.has(id)) names.set(id, `region-${names.size}`);
      return { ...result, id: names.get(id) };
    }),
  }));
}

reportSkippedSuite('browser: Label Studio plugin, worker vs page thread', SKIP_REASON);

describe.skipIf(SKIP_REASON !== undefined)(
  'browser: Label Studio plugin, SDK worker vs page thread',
  { timeout: 2 * BROWSER_TEST_TIMEOUT_MS },
  () => {
    let server: LabelStudioEmbedServer;
    let browser: LaunchedBrowser;
    let page: Page;
    const pageErrors: string[] = [];
    const workerUrls: string[] = [];

    beforeAll(async () => {
      warnIfBundleIsStale();
      server = await startLabelStudioEmbedServer({ port: 0 });
      browser = await launchChromium(CHROMIUM_FLAGS);
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
      });
      page.on('worker', (worker) => workerUrls.push(worker.url()));
    }, BROWSER_SETUP_TIMEOUT_MS);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    /** Places the keypoints one by one, each after the previous suggestion, and reads what the plugin suggested. */
    async function annotate(useWorker: boolean): Promise<EmbedPageSnapshot> {
      await openEmbedPage(page, server.url, useWorker);
      await pickSmartTool(page);
      for (const [index, { pixel, negative }] of KEYPOINTS.entries()) {
        await placeKeypoint(page, pixel, negative);
        await waitForAnswers(page, index + 1);
      }
      return readEmbedPage(page);
    }

    it('gives the same suggestions on the SDK worker as on the page thread, keypoint by keypoint', async () => {
      workerUrls.length = 0;
      const worker = await annotate(true);
      const sdkWorkers = workerUrls.filter((url) => url.endsWith('/core/web-worker.mjs'));
      workerUrls.length = 0;
      const main = await annotate(false);

      expect(worker.runsIn).toBe('worker');
      expect(main.runsIn).toBe('main thread');
      expect(sdkWorkers, 'the worker page started the SDK worker').toHaveLength(1);
      expect(
        workerUrls.filter((url) => url.endsWith('/core/web-worker.mjs')),
        'the ?worker=0 page started none',
      ).toEqual([]);
      expect(worker.errors).toEqual([]);
      expect(main.errors).toEqual([]);
      // Same layout, same clicks: Label Studio placed the keypoints at the same places.
      expect(worker.keypoints).toEqual(main.keypoints);
      expect(worker.events).toHaveLength(KEYPOINTS.length);
      expect(worker.events.map((event) => event.modelRuns)).toEqual([1, 1, 1]);
      expect(worker.events[0].results.length).toBeGreaterThan(0);
      // Brush RLE, score and every other field, byte for byte.
      expect(withoutRandomIds(worker)).toEqual(withoutRandomIds(main));
      expect(pageErrors).toEqual([]);
    });
  },
);
