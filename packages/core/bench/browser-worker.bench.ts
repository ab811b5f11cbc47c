/**
 * Browser benchmark of the SDK's Web Worker against the main-thread path, side by side in one run (issue 12, item
 * 4). Prints numbers and asserts nothing; not part of `npm test`. From the repository root, after `npm run build`:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts browser-worker
 *     (or: npm run bench:browser --workspace @simpleclick/core)
 *
 * In chromium (the browser tests' launcher and demo server: the built dist/web.mjs and dist/web-worker.mjs, the
 * default model on WASM with 2 threads in a cross-origin isolated page), per path and image:
 *
 * - per-click latency p50/p95 over 20 clicks (4 objects x 5 clicks, positive and negative, finishObject between
 *   them), measured in the page from the call to the resolved state (the mask is on the page's thread by then);
 *   a 12 MP photo (examples/images/fruit.png scaled to 4000 x 3000) and the 0.3 MP original (640 x 480);
 * - the page's long tasks (Long Tasks API, > 50 ms) that overlap a click: count, longest, total blocking time
 *   (the sum of each task's time over 50 ms);
 * - memory after 200 clicks on the 12 MP photo (`performance.measureUserAgentSpecificMemory()`: the page and its
 *   workers, onnxruntime's WebAssembly memory included; with chromium's eager measurement flag).
 *
 * A second part opens the demo page (examples/web-demo) itself on both photos (JPEG), in its default worker mode and
 * with `?worker=0`, and counts the page's long tasks during 5 real clicks, drawing included (SIMPLECLICK_BENCH_DEMO=0
 * skips it).
 *
 * Paths: `main` (createWebModel + ClickPredictor + SegmentationSession on the page's thread: the demo before the
 * worker), `worker` (createWorkerPredictor + WorkerSession: everything in the SDK's worker), and `ort-proxy`
 * (`ort.env.wasm.proxy = true`: the model in onnxruntime-web's own proxy worker, the SDK's per-click work still on
 * the page's thread: the first half of the issue's other option, "ORT's proxy worker plus a worker for the SDK's
 * processing"). Each path runs in a freshly loaded page.
 *
 * Environment: SIMPLECLICK_BENCH_CLICKS (default 20), SIMPLECLICK_BENCH_MEMORY_CLICKS (default 200; 0 skips the
 * memory rows), SIMPLECLICK_BENCH_PATHS (default `main,worker,ort-proxy`), SIMPLECLICK_BENCH_THREADS (default 2).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO_PATHS } from '../../../examples/web-demo/server/demo-server.mjs';
import { CHROMIUM_FLAGS } from '../../../test/browser/support/chromium';
import {
  openBrowserFixture,
  XTINY_FILE,
  XTINY_SUITE_SKIP_REASON,
  type BrowserFixture,
} from '../../../test/browser/support/browser-suite';
import { recordLongTasks } from './long-tasks';
import { percentile, ms, ratio } from './bench-stats';

type PathName = 'main' | 'worker' | 'ort-proxy';
const CLICKS = Number(process.env.SIMPLECLICK_BENCH_CLICKS ?? 20);
const MEMORY_CLICKS = Number(process.env.SIMPLECLICK_BENCH_MEMORY_CLICKS ?? 200);
const THREADS = Number(process.env.SIMPLECLICK_BENCH_THREADS ?? 2);
const PATHS = (process.env.SIMPLECLICK_BENCH_PATHS ?? 'main,worker,ort-proxy').split(',') as PathName[];
const IMAGES = [
  { label: '12 MP (4000 x 3000)', width: 4000, height: 3000 },
  { label: '0.3 MP (640 x 480)', width: 640, height: 480 },
] as const;

const SKIP_REASON =
  XTINY_SUITE_SKIP_REASON ??
  (existsSync(DEMO_PATHS.coreWorkerBundle)
    ? undefined
    : `${DEMO_PATHS.coreWorkerBundle} is missing: run npm run build`);

/** What one path did on one image, measured in the page. */
interface PathRun {
  readonly path: PathName;
  readonly image: string;
  readonly clickMs: number[];
  /** The SDK's own timing of each click (predictMs: inside the predictor, in whichever thread runs it). */
  readonly predictMs: number[];
  readonly openMs: number;
  readonly longTasks: { count: number; longestMs: number; blockingMs: number };
  readonly memory?: { totalMb: number; pageMb: number; workersMb: number; jsHeapMb: number; clicks: number };
  readonly backend: string;
  readonly error?: string;
}

/**
 * Runs in the page: opens a session on the scaled example image through one path, clicks, and measures.
 * Self-contained (playwright serialises it).
 */
async function runInPage(args: {
  path: PathName;
  modelUrl: string;
  width: number;
  height: number;
  clicks: number;
  memoryClicks: number;
  threads: number;
}): Promise<Omit<PathRun, 'image'>> {
  type Sdk = typeof import('@simpleclick/core/web');
  const scope = window as unknown as {
    simpleclick: Sdk;
    ort: typeof import('onnxruntime-web');
    __longTasks: { start: number; duration: number }[];
  };
  const sdk = scope.simpleclick;
  const { path, width, height } = args;

  // Fruit image, scaled (a photo-like picture with a few objects at any size).
  const bitmap = await createImageBitmap(await (await fetch('examples/images/fruit.png')).blob());
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const pixels = context.getImageData(0, 0, width, height);
  const sx = width / 640;
  const sy = height / 480;
  const at = (x: number, y: number, isPositive: boolean) => ({
    xPx: Math.round(x * sx),
    yPx: Math.round(y * sy),
    isPositive,
  });
  // Four objects of the example image, five clicks each (positive first), as an annotator refines them.
  const objects = [
    [at(300, 270, true), at(535, 275, false), at(250, 320, true), at(300, 390, false), at(350, 220, true)],
    [at(535, 275, true), at(300, 270, false), at(580, 330, true), at(500, 220, true), at(620, 400, false)],
    [at(312, 160, true), at(300, 230, false), at(300, 150, true), at(350, 120, false), at(325, 170, true)],
    [at(320, 60, true), at(300, 270, false), at(100, 100, true), at(535, 275, false), at(600, 40, true)],
  ];
  const clickNumber = (k: number) => objects[Math.floor(k / 5) % objects.length][k % 5];

  interface BenchSession {
    addClick(click: { xPx: number; yPx: number; isPositive: boolean }): Promise<unknown>;
    finishObject(): Promise<unknown>;
    on(event: 'prediction', listener: (event: { timing: { predictMs: number } }) => void): unknown;
    close(): Promise<void>;
  }
  let session: BenchSession;
  let close: () => Promise<void>;
  let backend: string;
  const modelOptions = { executionProviders: ['wasm'], numThreads: args.threads };
  const openStart = performance.now();
  if (path === 'worker') {
    const predictor = await sdk.createWorkerPredictor(args.modelUrl, modelOptions);
    await predictor.warmUp();
    session = await predictor.createSession(pixels);
    backend = `${predictor.backend}, ${predictor.wasmNumThreads} threads, in the SDK worker`;
    close = () => predictor.close();
  } else {
    if (path === 'ort-proxy') scope.ort.env.wasm.proxy = true;
    const webModel = await sdk.createWebModel(args.modelUrl, modelOptions);
    // ORT's proxy moves (detaches) the input tensors' buffers to its worker, and the SDK reuses its input
    // buffers between runs: the proxy path needs a copy of both inputs per run (what it would cost in an SDK
    // built for it, too).
    const model =
      path === 'ort-proxy'
        ? {
            metadata: webModel.metadata,
            run: (input: { batchSize: number; sizePx: number; image: Float32Array; clickMaps: Float32Array }) =>
              webModel.run({ ...input, image: input.image.slice(), clickMaps: input.clickMaps.slice() }),
            close: () => webModel.close(),
          }
        : webModel;
    const predictor = await sdk.ClickPredictor.create(model);
    const size = 64;
    await predictor.predict({ width: size, height: size, data: new Uint8Array(size * size * 3).fill(128) }, [
      { xPx: 32, yPx: 32, isPositive: true },
    ]);
    session = await sdk.SegmentationSession.create(predictor, sdk.rgbImageFromImageData(pixels), {
      ownsPredictor: true,
    });
    backend = `wasm, ${scope.ort.env.wasm.numThreads} threads, ${path === 'ort-proxy' ? 'ORT proxy worker' : 'page thread'}`;
    close = () => session.close();
  }
  const openMs = performance.now() - openStart;

  const predictMs: number[] = [];
  session.on('prediction', (event) => predictMs.push(event.timing.predictMs));
  const windows: [number, number][] = [];
  const clickMs: number[] = [];
  const click = async (k: number, timed: boolean) => {
    if (k > 0 && k % 5 === 0) await session.finishObject();
    // Let the page breathe between clicks, as between a person's clicks (and so long tasks end before the next).
    await new Promise((resolve) => setTimeout(resolve, 0));
    const start = performance.now();
    await session.addClick(clickNumber(k));
    const end = performance.now();
    if (timed) {
      windows.push([start, end]);
      clickMs.push(end - start);
    }
  };
  for (let k = 0; k < args.clicks; k++) await click(k, true);
  // Long tasks are reported a little after they end.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const during = scope.__longTasks.filter((task) =>
    windows.some(([start, end]) => task.start < end && task.start + task.duration > start),
  );
  const longTasks = {
    count: during.length,
    longestMs: Math.max(0, ...during.map((task) => task.duration)),
    blockingMs: during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
  };

  let memory: PathRun['memory'];
  if (args.memoryClicks > 0) {
    for (let k = args.clicks; k < args.memoryClicks; k++) await click(k, false);
    const measure = (
      performance as unknown as {
        measureUserAgentSpecificMemory?: () => Promise<{
          bytes: number;
          breakdown: { bytes: number; attribution: { scope: string }[] }[];
        }>;
      }
    ).measureUserAgentSpecificMemory;
    const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    if (measure !== undefined) {
      const result = await measure.call(performance);
      const ofType = (scopeName: string) =>
        result.breakdown
          .filter((entry) => entry.attribution.some((attribution) => attribution.scope === scopeName))
          .reduce((sum, entry) => sum + entry.bytes, 0);
      memory = {
        totalMb: mb(result.bytes),
        pageMb: mb(ofType('Window')),
        workersMb: mb(ofType('DedicatedWorkerGlobalScope')),
        jsHeapMb: mb(heap),
        clicks: Math.max(args.memoryClicks, args.clicks),
      };
    }
  }
  await close();
  return { path, clickMs, predictMs: predictMs.slice(0, args.clicks), openMs, longTasks, memory, backend };
}

describe.skipIf(SKIP_REASON !== undefined)('browser benchmark: SDK worker vs main thread', () => {
  let fixture: BrowserFixture;

  beforeAll(async () => {
    // Eager memory measurement: measureUserAgentSpecificMemory() otherwise waits for the next garbage collection.
    fixture = await openBrowserFixture({
      flags: [...CHROMIUM_FLAGS, '--enable-blink-features=ForceEagerMeasureMemory'],
    });
    // Every page load records its long tasks from the start.
    await recordLongTasks(fixture.page);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** A freshly loaded sandbox page (fresh onnxruntime-web, fresh heap), recording long tasks from the start. */
  async function freshPage(): Promise<Page> {
    const { page, server } = fixture;
    await page.goto('about:blank');
    await page.goto(`${server.url}sandbox.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    return page;
  }

  it('per-click latency, long tasks and memory, side by side', async () => {
    const runs: PathRun[] = [];
    const loadBefore = loadavg()[0];
    for (const image of IMAGES) {
      for (const path of PATHS) {
        // Memory after many clicks on the large photo, for the two paths compared (ort-proxy only for latency).
        const memoryClicks = image.width === 4000 && path !== 'ort-proxy' ? MEMORY_CLICKS : 0;
        const page = await freshPage();
        try {
          const run = await page.evaluate(runInPage, {
            path,
            modelUrl: `models/${XTINY_FILE}`,
            width: image.width,
            height: image.height,
            clicks: CLICKS,
            memoryClicks,
            threads: THREADS,
          });
          runs.push({ ...run, image: image.label });
        } catch (error) {
          runs.push({
            path,
            image: image.label,
            clickMs: [],
            predictMs: [],
            openMs: Number.NaN,
            longTasks: { count: 0, longestMs: 0, blockingMs: 0 },
            backend: '-',
            error: (error as Error).message.split('\n')[0],
          });
        }
        console.info(`browser bench: ${image.label} ${path} done (load average ${loadavg()[0].toFixed(1)})`);
      }
    }
    const loadAfter = loadavg()[0];

    const lines: string[] = [];
    lines.push(
      `Browser benchmark, ${new Date().toISOString()}, chromium headless, ${XTINY_FILE}, WASM ${THREADS} threads, ` +
        `${CLICKS} timed clicks per row; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
    );
    lines.push('');
    lines.push(
      '| image | path | backend | p50 ms | p95 ms | SDK predictMs p50 | long tasks (> 50 ms) during clicks | longest ms | blocking ms | load + open ms |',
    );
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const run of runs) {
      if (run.error !== undefined) {
        lines.push(`| ${run.image} | ${run.path} | failed: ${run.error} | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${run.image} | ${run.path} | ${run.backend} | ${ms(percentile(run.clickMs, 50))} | ${ms(percentile(run.clickMs, 95))} | ` +
          `${ms(percentile(run.predictMs, 50))} | ${run.longTasks.count} | ${ms(run.longTasks.longestMs)} | ${ms(run.longTasks.blockingMs)} | ${ms(run.openMs)} |`,
      );
    }
    const memoryRuns = runs.filter((run) => run.memory !== undefined);
    if (memoryRuns.length > 0) {
      lines.push('');
      lines.push(
        '| memory after clicks (12 MP) | path | clicks | total MB (page + workers) | page MB | workers MB | page JS heap MB |',
      );
      lines.push('|---|---|---:|---:|---:|---:|---:|');
      for (const run of memoryRuns) {
        const m = run.memory!;
        lines.push(`| | ${run.path} | ${m.clicks} | ${m.totalMb} | ${m.pageMb} | ${m.workersMb} | ${m.jsHeapMb} |`);
      }
    }
    lines.push('');
    lines.push('Ratios, worker / main (below 1: the worker is lower):');
    for (const image of IMAGES) {
      const of = (path: PathName) =>
        runs.find((run) => run.image === image.label && run.path === path && run.error === undefined);
      const main = of('main');
      const worker = of('worker');
      const proxy = of('ort-proxy');
      if (main === undefined || worker === undefined) continue;
      const parts = [
        `p50 ${ratio(percentile(worker.clickMs, 50), percentile(main.clickMs, 50))}`,
        `p95 ${ratio(percentile(worker.clickMs, 95), percentile(main.clickMs, 95))}`,
        `long tasks ${worker.longTasks.count} vs ${main.longTasks.count}`,
        `blocking ms ${ms(worker.longTasks.blockingMs)} vs ${ms(main.longTasks.blockingMs)}`,
      ];
      if (worker.memory !== undefined && main.memory !== undefined)
        parts.push(`memory ${ratio(worker.memory.totalMb, main.memory.totalMb)}`);
      if (proxy !== undefined) {
        parts.push(
          `| ort-proxy / main: p50 ${ratio(percentile(proxy.clickMs, 50), percentile(main.clickMs, 50))}, ` +
            `blocking ms ${ms(proxy.longTasks.blockingMs)}`,
        );
      }
      lines.push(`- ${image.label}: ${parts.join(', ')}`);
    }
    console.info(`\n${lines.join('\n')}\n`);
  });

  it.skipIf(process.env.SIMPLECLICK_BENCH_DEMO === '0')(
    'the demo page on a 12 MP and a 0.3 MP photo: long tasks during clicks, drawing included',
    async () => {
      const fruit = join(DEMO_PATHS.exampleImages, 'fruit.png');
      const photos = [
        { label: '12 MP', buffer: await sharp(fruit).resize(4000, 3000).jpeg({ quality: 92 }).toBuffer() },
        { label: '0.3 MP', buffer: await sharp(fruit).jpeg({ quality: 92 }).toBuffer() },
      ];
      const { page, server } = fixture;
      const demoClicks = 5;
      const lines = [
        `Demo page, JPEG of the example image, ${demoClicks} clicks on the fruit, load average ${loadavg()[0].toFixed(1)}`,
        '',
      ];
      lines.push(
        '| image | demo | click to drawn mask p50 ms | max ms | long tasks during clicks | longest ms | blocking ms |',
      );
      lines.push('|---|---|---:|---:|---:|---:|---:|');
      for (const photo of photos)
        for (const mode of ['worker', 'main'] as const) {
          await page.goto('about:blank');
          const query = `model=${XTINY_FILE}&backend=wasm&threads=${THREADS}&image=none${mode === 'main' ? '&worker=0' : ''}`;
          await page.goto(`${server.url}?${query}`);
          await page.waitForFunction(() => document.body.dataset.modelState === 'ready', null, { timeout: 120_000 });
          await page.setInputFiles('#image-input', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo.buffer });
          await page.waitForFunction(
            () => document.body.dataset.session === '1' && document.body.dataset.revision === '0',
            null,
            {
              timeout: 120_000,
            },
          );
          const windows: [number, number][] = [];
          for (let k = 1; k <= demoClicks; k++) {
            const layer = page.locator('#click-layer');
            const box = (await layer.boundingBox())!;
            const offsets = [
              [0, 0],
              [30, 20],
              [-40, 30],
              [20, -45],
              [-25, -20],
            ][k - 1];
            const start = await page.evaluate(() => performance.now());
            await layer.click({
              position: { x: ((300 + offsets[0]) / 640) * box.width, y: ((270 + offsets[1]) / 480) * box.height },
            });
            await page.waitForFunction(
              (wanted) => Number(document.body.dataset.revision) >= wanted && document.body.dataset.busy === 'false',
              k,
              { timeout: 120_000 },
            );
            windows.push([start, await page.evaluate(() => performance.now())]);
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
          const tasks = await page.evaluate(
            () => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
          );
          const during = tasks.filter((task) =>
            windows.some(([start, end]) => task.start < end && task.start + task.duration > start),
          );
          const latencies = windows.map(([start, end]) => end - start);
          lines.push(
            `| ${photo.label} | ${mode === 'worker' ? 'default (SDK worker)' : '?worker=0 (page thread)'} | ${ms(percentile(latencies, 50))} | ` +
              `${ms(Math.max(...latencies))} | ${during.length} | ${ms(Math.max(0, ...during.map((task) => task.duration)))} | ` +
              `${ms(during.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0))} |`,
          );
        }
      console.info(`\n${lines.join('\n')}\n`);
    },
  );
});
