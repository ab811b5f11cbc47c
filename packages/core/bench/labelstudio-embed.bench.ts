/**
 * Browser benchmark of the Label Studio browser plugin (issue 12, item 1): the page's long tasks (Long Tasks API,
 * > 50 ms) while annotators click, with the plugin on the SDK's Web Worker (the embedding example's default) and on
 * the page's thread (`?worker=0`: the example before the worker, the same algorithm), side by side in one run.
 * Prints numbers and asserts nothing; not part of `npm test`. From the repository root, after `npm run build`:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts labelstudio-embed
 *
 * In chromium headless, the embedding example (examples/labelstudio-embed: Label Studio 1.4.0 and the plugin's
 * built dist/browser.mjs) is driven through Label Studio's own UI (label, Auto-Detect tool, clicks on the image,
 * Alt for negative ones). Per mode and image, over the clicks:
 *
 * - `plugin` windows: from Label Studio's `regionFinishedDrawing` event to the suggestion handed back (the plugin's
 *   own `elapsedMs`): model, per-click processing, clean-up, score, brush RLE;
 * - `click` windows: from the mouse click to 300 ms after the suggestion, i.e. with Label Studio's own work (making
 *   the keypoint region, decoding the suggestion's RLE and drawing it), which the plugin does not control;
 * - long tasks that overlap each kind of window: count, longest, total blocking time (the sum over 50 ms).
 *
 * Images: the task's image as it is (examples/images/fruit.png, 640 x 480, 0.3 MP) and scaled to 4000 x 3000
 * (12 MP JPEG, served in its place through playwright's request routing). Environment: SIMPLECLICK_BENCH_CLICKS
 * (default 8), SIMPLECLICK_BENCH_MODES (default `main,worker`), SIMPLECLICK_BENCH_IMAGES (default `0.3,12`),
 * SIMPLECLICK_BENCH_PROFILE=1 (a CPU profile of the page's thread over the clicks: its top functions by self time).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  labelStudioEmbedSetupProblem,
  startLabelStudioEmbedServer,
  type LabelStudioEmbedServer,
} from '../../../examples/labelstudio-embed/server/labelstudio-embed-server.mjs';
import { CHROMIUM_FLAGS, launchChromium, type LaunchedBrowser } from '../../../test/browser/support/chromium';
import { BROWSER_SUITE_SKIP_REASON, REPO_ROOT } from '../../../test/browser/support/browser-suite';
import { startPageProfile } from './page-profile';
import {
  openEmbedPage,
  pickSmartTool,
  placeKeypoint,
  readEmbedPage,
  waitForAnswers,
} from '../../adapters-labelstudio/src/browser/test-support/label-studio-ui';
import { recordLongTasks } from './long-tasks';
import { percentile, ms } from './bench-stats';

type Mode = 'main' | 'worker';
const CLICKS = Number(process.env.SIMPLECLICK_BENCH_CLICKS ?? 8);
const MODES = (process.env.SIMPLECLICK_BENCH_MODES ?? 'main,worker').split(',') as Mode[];
const IMAGES = (process.env.SIMPLECLICK_BENCH_IMAGES ?? '0.3,12').split(',');
const PROFILE = process.env.SIMPLECLICK_BENCH_PROFILE === '1';

const SKIP_REASON = BROWSER_SUITE_SKIP_REASON ?? labelStudioEmbedSetupProblem();

/** Keypoints on the example image (640 x 480 pixels; Label Studio places them in percent, whatever the size). */
const KEYPOINTS = [
  { pixel: { xPx: 300, yPx: 270 }, negative: false },
  { pixel: { xPx: 535, yPx: 275 }, negative: true },
  { pixel: { xPx: 250, yPx: 320 }, negative: false },
  { pixel: { xPx: 300, yPx: 390 }, negative: true },
  { pixel: { xPx: 350, yPx: 220 }, negative: false },
  { pixel: { xPx: 312, yPx: 160 }, negative: true },
  { pixel: { xPx: 80, yPx: 420 }, negative: true },
  { pixel: { xPx: 330, yPx: 300 }, negative: false },
];

interface LongTask {
  readonly start: number;
  readonly duration: number;
}

interface ModeRun {
  readonly mode: Mode;
  readonly image: string;
  readonly pluginMs: number[];
  readonly clickMs: number[];
  readonly plugin: { count: number; longestMs: number; blockingMs: number };
  readonly click: { count: number; longestMs: number; blockingMs: number };
  readonly runsIn: string;
  /** With SIMPLECLICK_BENCH_PROFILE=1: where the page's thread spent its time over the clicks. */
  readonly profile?: string;
  readonly error?: string;
}

function summarise(tasks: readonly LongTask[], windows: readonly [number, number][]) {
  const during = tasks.filter((task) =>
    windows.some(([start, end]) => task.start < end && task.start + task.duration > start),
  );
  return {
    count: during.length,
    longestMs: Math.max(0, ...during.map((task) => task.duration)),
    blockingMs: during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
  };
}

describe.skipIf(SKIP_REASON !== undefined)(
  'browser benchmark: the Label Studio plugin on the SDK worker vs the page thread',
  () => {
    let server: LabelStudioEmbedServer;
    let browser: LaunchedBrowser;
    let page: Page;

    beforeAll(async () => {
      server = await startLabelStudioEmbedServer({ port: 0 });
      browser = await launchChromium(CHROMIUM_FLAGS);
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.setViewportSize({ width: 1400, height: 1000 });
      // Every page load records its long tasks, and when each suggestion reached the page's handle.
      await recordLongTasks(page);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function runMode(mode: Mode, image: string): Promise<ModeRun> {
      await openEmbedPage(page, server.url, mode === 'worker');
      // When each suggestion reached the example's handle (its onSuggestion pushes it): the end of the plugin window.
      await page.evaluate(() => {
        const scope = window as unknown as {
          simpleclickLabelStudio: { suggestions: unknown[] };
          __delivered: number[];
        };
        scope.__delivered = [];
        const list = scope.simpleclickLabelStudio.suggestions;
        const push = list.push.bind(list);
        list.push = (...items: unknown[]) => {
          scope.__delivered.push(performance.now());
          return push(...items);
        };
      });
      await pickSmartTool(page);
      const profiler = PROFILE ? await startPageProfile(page) : undefined;
      const clickWindows: [number, number][] = [];
      // Two keypoint groups in turn would need two labels; one group refined click by click, as an annotator does.
      for (let k = 0; k < CLICKS; k++) {
        const { pixel, negative } = KEYPOINTS[k % KEYPOINTS.length];
        const start = await placeKeypoint(page, pixel, negative);
        await waitForAnswers(page, k + 1);
        clickWindows.push([start, 0]);
        await new Promise((resolve) => setTimeout(resolve, 300)); // Label Studio draws the suggestion
      }
      const profile = await profiler?.stop();
      const snapshot = await readEmbedPage(page);
      const delivered = await page.evaluate(() => (window as unknown as { __delivered: number[] }).__delivered);
      const tasks = await page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks);
      const pluginWindows = snapshot.events.map((event, index): [number, number] => [
        delivered[index] - event.elapsedMs,
        delivered[index],
      ]);
      const clicks = clickWindows.map(([start], index): [number, number] => [start, (delivered[index] ?? start) + 300]);
      return {
        mode,
        image,
        pluginMs: snapshot.events.map((event) => event.elapsedMs),
        clickMs: clicks.map(([start, end]) => end - 300 - start),
        plugin: summarise(tasks, pluginWindows),
        click: summarise(tasks, clicks),
        runsIn: snapshot.runsIn,
        ...(profile !== undefined ? { profile } : {}),
        ...(snapshot.errors.length > 0 ? { error: snapshot.errors.map((error) => error.code).join(', ') } : {}),
      };
    }

    it('long tasks during clicks, plugin on the SDK worker and on the page thread', async () => {
      const runs: ModeRun[] = [];
      const loadBefore = loadavg()[0];
      const fruit = join(REPO_ROOT, 'examples', 'images', 'fruit.png');
      for (const image of IMAGES) {
        const big = image === '12';
        const label = big ? '12 MP (4000 x 3000 JPEG)' : '0.3 MP (640 x 480 PNG)';
        await page.unroute('**/examples/images/fruit.png').catch(() => undefined);
        if (big) {
          const body = await sharp(fruit).resize(4000, 3000).jpeg({ quality: 92 }).toBuffer();
          await page.route('**/examples/images/fruit.png', (route) =>
            route.fulfill({ status: 200, contentType: 'image/jpeg', body }),
          );
        }
        for (const mode of MODES) {
          try {
            runs.push(await runMode(mode, label));
          } catch (error) {
            runs.push({
              mode,
              image: label,
              pluginMs: [],
              clickMs: [],
              plugin: { count: 0, longestMs: 0, blockingMs: 0 },
              click: { count: 0, longestMs: 0, blockingMs: 0 },
              runsIn: '-',
              error: (error as Error).message.split('\n')[0],
            });
          }
          console.info(`labelstudio-embed bench: ${label} ${mode} done (load average ${loadavg()[0].toFixed(1)})`);
        }
      }
      const lines = [
        `Label Studio embed benchmark, ${new Date().toISOString()}, chromium headless, ${CLICKS} clicks per row (one object refined); ` +
          `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
        '',
        '| image | plugin | plugin ms p50 | p95 | long tasks in plugin windows | longest ms | blocking ms | click to suggestion p50 ms | long tasks in click windows | longest ms | blocking ms |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ];
      for (const run of runs) {
        if (run.error !== undefined && run.pluginMs.length === 0) {
          lines.push(`| ${run.image} | ${run.mode} | failed: ${run.error} | | | | | | | | |`);
          continue;
        }
        lines.push(
          `| ${run.image} | ${run.runsIn === 'worker' ? 'SDK worker' : 'page thread'}${run.error ? ` (errors: ${run.error})` : ''} | ` +
            `${ms(percentile(run.pluginMs, 50))} | ${ms(percentile(run.pluginMs, 95))} | ${run.plugin.count} | ${ms(run.plugin.longestMs)} | ` +
            `${ms(run.plugin.blockingMs)} | ${ms(percentile(run.clickMs, 50))} | ${run.click.count} | ${ms(run.click.longestMs)} | ${ms(run.click.blockingMs)} |`,
        );
      }
      for (const run of runs)
        if (run.profile !== undefined) lines.push('', `Page thread, ${run.image}, ${run.mode}: ${run.profile}`);
      console.info(`\n${lines.join('\n')}\n`);
    });
  },
);
