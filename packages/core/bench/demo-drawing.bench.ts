/**
 * Browser benchmark of the web demo's own per-click work on the page's thread (issue 12: zero long tasks during a
 * click in the demo): the demo page (examples/web-demo, its default SDK-worker mode) on a 12 MP and a 0.3 MP photo,
 * real clicks through the page, drawing included; the page's long tasks (Long Tasks API, > 50 ms) from each click to
 * its drawn mask (`data-revision` set once the masks are drawn). Prints numbers and asserts nothing; not part of
 * `npm test`. From the repository root, after `npm run build`:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts demo-drawing
 *
 * SIMPLECLICK_BENCH_DEMO_BASELINE=<folder> also serves another copy of the demo's sources (a folder with the
 * demo's src/ files, e.g. an earlier commit's `examples/web-demo/src`, written out with `git show`), and measures it
 * in the same run (each variant in a freshly loaded page, one after the other per photo, so both see about the same
 * load). SIMPLECLICK_BENCH_CLICKS (default 10) clicks per page; SIMPLECLICK_BENCH_IMAGES (default `12,0.3`);
 * SIMPLECLICK_BENCH_PROFILE=1 adds a CPU profile of the page's thread over the clicks (its top functions).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO_PATHS, startDemoServer, type DemoServer } from '../../../examples/web-demo/server/demo-server.mjs';
import { CHROMIUM_FLAGS, launchChromium, type LaunchedBrowser } from '../../../test/browser/support/chromium';
import { XTINY_FILE, XTINY_SUITE_SKIP_REASON } from '../../../test/browser/support/browser-suite';
import { startPageProfile } from './page-profile';
import { recordLongTasks } from './long-tasks';
import { percentile, ms } from './bench-stats';

const CLICKS = Number(process.env.SIMPLECLICK_BENCH_CLICKS ?? 10);
const BASELINE = process.env.SIMPLECLICK_BENCH_DEMO_BASELINE;
const PROFILE = process.env.SIMPLECLICK_BENCH_PROFILE === '1';
const PHOTOS = (process.env.SIMPLECLICK_BENCH_IMAGES ?? '12,0.3').split(',');

/** Click offsets around the fruit (image pixels of the 640 x 480 original), positive and negative in turn. */
const CLICK_POINTS = [
  [300, 270, true],
  [535, 275, false],
  [250, 320, true],
  [300, 390, false],
  [350, 220, true],
  [312, 160, false],
  [80, 420, false],
  [330, 300, true],
  [270, 250, true],
  [600, 40, false],
] as const;

interface VariantRun {
  readonly variant: string;
  readonly photo: string;
  readonly latencies: number[];
  readonly count: number;
  readonly longestMs: number;
  readonly blockingMs: number;
  readonly perClick: number[];
  /** With SIMPLECLICK_BENCH_PROFILE=1: where the page's thread spent its time over the clicks. */
  readonly profile?: string;
}

describe.skipIf(XTINY_SUITE_SKIP_REASON !== undefined)(
  'browser benchmark: the demo page, long tasks during clicks',
  () => {
    const servers: { variant: string; server: DemoServer }[] = [];
    let browser: LaunchedBrowser;
    let page: Page;

    beforeAll(async () => {
      servers.push({ variant: 'current', server: await startDemoServer({ port: 0 }) });
      if (BASELINE !== undefined)
        servers.unshift({
          variant: 'baseline',
          server: await startDemoServer({ port: 0, appEntry: join(BASELINE, 'main.ts') }),
        });
      browser = await launchChromium(CHROMIUM_FLAGS);
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.setViewportSize({ width: 1400, height: 1000 });
      await recordLongTasks(page);
    });

    afterAll(async () => {
      await browser?.close();
      for (const { server } of servers) await server.close();
    });

    async function runVariant(
      variant: string,
      server: DemoServer,
      photo: { label: string; buffer: Buffer },
    ): Promise<VariantRun> {
      await page.goto('about:blank');
      await page.goto(`${server.url}?model=${XTINY_FILE}&backend=wasm&threads=2&image=none`);
      await page.waitForFunction(() => document.body.dataset.modelState === 'ready', null, { timeout: 180_000 });
      await page.setInputFiles('#image-input', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo.buffer });
      await page.waitForFunction(
        () => document.body.dataset.session === '1' && document.body.dataset.revision === '0',
        null,
        { timeout: 180_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the image's own drawing, once per image
      const profiler = PROFILE ? await startPageProfile(page) : undefined;
      const windows: [number, number][] = [];
      for (let k = 0; k < CLICKS; k++) {
        const [x, y, positive] = CLICK_POINTS[k % CLICK_POINTS.length];
        const layer = page.locator('#click-layer');
        const box = (await layer.boundingBox())!;
        const start = await page.evaluate(() => performance.now());
        await layer.click({
          position: { x: ((x + 0.5) / 640) * box.width, y: ((y + 0.5) / 480) * box.height },
          button: positive ? 'left' : 'right',
        });
        await page.waitForFunction(
          (wanted) => Number(document.body.dataset.revision) >= wanted && document.body.dataset.busy === 'false',
          k + 1,
          {
            timeout: 180_000,
            polling: 10,
          },
        );
        windows.push([start, await page.evaluate(() => performance.now())]);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const profile = await profiler?.stop();
      const tasks = await page.evaluate(
        () => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
      );
      const overlaps = (task: { start: number; duration: number }, [start, end]: [number, number]) =>
        task.start < end && task.start + task.duration > start;
      const during = tasks.filter((task) => windows.some((window) => overlaps(task, window)));
      return {
        variant,
        photo: photo.label,
        latencies: windows.map(([start, end]) => end - start),
        count: during.length,
        longestMs: Math.max(0, ...during.map((task) => task.duration)),
        blockingMs: during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
        perClick: windows.map((window) => tasks.filter((task) => overlaps(task, window)).length),
        ...(profile !== undefined ? { profile } : {}),
      };
    }

    it('long tasks from click to drawn mask, 12 MP and 0.3 MP photos', async () => {
      const fruit = join(DEMO_PATHS.exampleImages, 'fruit.png');
      const photos = [];
      for (const size of PHOTOS) {
        if (size === '12')
          photos.push({
            label: '12 MP (4000 x 3000)',
            buffer: await sharp(fruit).resize(4000, 3000).jpeg({ quality: 92 }).toBuffer(),
          });
        else photos.push({ label: '0.3 MP (640 x 480)', buffer: await sharp(fruit).jpeg({ quality: 92 }).toBuffer() });
      }
      const loadBefore = loadavg()[0];
      const runs: VariantRun[] = [];
      for (const photo of photos) {
        for (const { variant, server } of servers) {
          runs.push(await runVariant(variant, server, photo));
          console.info(`demo-drawing bench: ${photo.label} ${variant} done (load average ${loadavg()[0].toFixed(1)})`);
        }
      }
      const lines = [
        `Demo page (SDK worker mode, WASM 2 threads, ${XTINY_FILE}), JPEG photos, ${CLICKS} clicks each, ${new Date().toISOString()}, ` +
          `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
        '',
        '| photo | demo | click to drawn mask p50 ms | max ms | long tasks during clicks | clicks with one | longest ms | blocking ms |',
        '|---|---|---:|---:|---:|---:|---:|---:|',
      ];
      for (const run of runs) {
        lines.push(
          `| ${run.photo} | ${run.variant} | ${ms(percentile(run.latencies, 50))} | ${ms(Math.max(...run.latencies))} | ${run.count} | ` +
            `${run.perClick.filter((count) => count > 0).length} of ${run.perClick.length} | ${ms(run.longestMs)} | ${ms(run.blockingMs)} |`,
        );
      }
      for (const run of runs)
        if (run.profile !== undefined) lines.push('', `Page thread, ${run.photo}, ${run.variant}: ${run.profile}`);
      console.info(`\n${lines.join('\n')}\n`);
    });
  },
);
