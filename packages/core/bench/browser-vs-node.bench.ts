/**
 * The browser's click against the Node click, side by side in one run (issue 12's target: the browser's WASM p50
 * within 2x of the Node click). Prints numbers and asserts nothing; not part of `npm test`. From the repository
 * root, after `npm run build` (the page runs the built dist/web.mjs and dist/web-worker.mjs):
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts browser-vs-node
 *
 * The same click sequences (4 objects of examples/images/fruit.png, 5 clicks each, positive and negative, as in
 * browser-worker.bench.ts) on two images: the 640 x 480 original (0.3 MP) and the same pixels scaled to 1920 x 1080
 * (2 MP; sharp's resize, made once in Node and served to the page as raw RGB, so both sides see the same bytes).
 * Two paths:
 *
 * - `node`: onnxruntime-node in this process (`createNodeModel`, SIMPLECLICK_BENCH_THREADS intra-op threads,
 *   default 2) and `ClickPredictor.predict`, each click's state passed to the next, the mask written into one
 *   reused buffer (`result.toMask(t, mask)`); `prepareImage` runs once per image before the clicks (untimed, as
 *   `SegmentationSession.create` does). A click = predict + mask; `model` = `result.timing.modelMs`.
 * - `browser`: chromium (the browser tests' launcher and demo server, cross-origin isolated), the SDK's Web Worker
 *   as the demo uses it (`createWorkerPredictor` + `WorkerSession`, onnxruntime-web WASM, the SDK's default
 *   number of threads, `defaultWasmThreads`, unless SIMPLECLICK_BENCH_BROWSER_THREADS or SIMPLECLICK_BENCH_THREADS
 *   sets it). A click = `session.addClick` from the call to the resolved state on the page's thread (the mask is
 *   on the page by then); `predict` = the session's own `timing.predictMs` (the segmenter call inside the worker,
 *   the model run included: the API exposes no separate model time there). The page's long tasks (> 50 ms)
 *   during clicks are counted too.
 *
 * Each path runs with the interactive preset as shipped (fast path + boundary refinement) and with
 * `boundaryRefinement: false`. Every sequence runs on both paths back to back, and the one that goes first
 * alternates from sequence to sequence, so both see the same load; the first sequence of every image and
 * configuration is a warm-up. Load average is printed before and after.
 *
 * Environment: SIMPLECLICK_BENCH_ROUNDS (timed 5-click sequences per image, configuration and path, default 4: 20
 * clicks), SIMPLECLICK_BENCH_THREADS (both runtimes; node's default 2, the browser's the SDK default),
 * SIMPLECLICK_BENCH_BROWSER_THREADS (the browser's alone, over SIMPLECLICK_BENCH_THREADS), SIMPLECLICK_BENCH_MODEL (default models/<default model>.onnx;
 * the page gets the same file), SIMPLECLICK_BENCH_CONFIGS (default `shipped,no-refinement`), SIMPLECLICK_BENCH_IMAGES
 * (default `0.3mp,2mp`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEMO_PATHS } from '../../../examples/web-demo/server/demo-server.mjs';
import { CHROMIUM_FLAGS } from '../../../test/browser/support/chromium';
import {
  BROWSER_SUITE_SKIP_REASON,
  openBrowserFixture,
  openSandbox,
  warnIfBundleIsStale,
  type BrowserFixture,
} from '../../../test/browser/support/browser-suite';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';
import { ClickPredictor, type BinaryMask, type Click, type ObjectState, type RgbImage } from '../src/index';
import { createNodeModel } from '../src/node/index';
import { recordLongTasks } from './long-tasks';
import { percentile, ms, ratio } from './bench-stats';

const ROUNDS = Number(process.env.SIMPLECLICK_BENCH_ROUNDS ?? 4);
const THREADS = Number(process.env.SIMPLECLICK_BENCH_THREADS ?? 2);
const BROWSER_THREADS_TEXT = process.env.SIMPLECLICK_BENCH_BROWSER_THREADS ?? process.env.SIMPLECLICK_BENCH_THREADS;
/** undefined: the SDK's default (`defaultWasmThreads`). */
const BROWSER_THREADS = BROWSER_THREADS_TEXT === undefined ? undefined : Number(BROWSER_THREADS_TEXT);
const MODEL_PATH = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
const CONFIG_NAMES = (process.env.SIMPLECLICK_BENCH_CONFIGS ?? 'shipped,no-refinement').split(',');
const IMAGE_NAMES = (process.env.SIMPLECLICK_BENCH_IMAGES ?? '0.3mp,2mp').split(',');

const ALL_CONFIGS = [
  { name: 'shipped', label: 'interactive as shipped (refinement on)', options: {} },
  { name: 'no-refinement', label: 'interactive, boundaryRefinement: false', options: { boundaryRefinement: false } },
] as const;
const CONFIGS = ALL_CONFIGS.filter((c) => CONFIG_NAMES.includes(c.name));
const ALL_IMAGES = [
  { name: '0.3mp', label: '0.3 MP (640 x 480)', width: 640, height: 480 },
  { name: '2mp', label: '2 MP (1920 x 1080)', width: 1920, height: 1080 },
] as const;
const IMAGES = ALL_IMAGES.filter((i) => IMAGE_NAMES.includes(i.name));

const SKIP_REASON =
  BROWSER_SUITE_SKIP_REASON ??
  (existsSync(MODEL_PATH) ? undefined : `${MODEL_PATH} is missing`) ??
  (existsSync(DEMO_PATHS.coreWorkerBundle)
    ? undefined
    : `${DEMO_PATHS.coreWorkerBundle} is missing: run npm run build`);

/** Four objects of fruit.png (640 x 480 coordinates), five clicks each, as an annotator refines them. */
const OBJECTS: [number, number, boolean][][] = [
  [
    [300, 270, true],
    [535, 275, false],
    [250, 320, true],
    [300, 390, false],
    [350, 220, true],
  ],
  [
    [535, 275, true],
    [300, 270, false],
    [580, 330, true],
    [500, 220, true],
    [620, 400, false],
  ],
  [
    [312, 160, true],
    [300, 230, false],
    [300, 150, true],
    [350, 120, false],
    [325, 170, true],
  ],
  [
    [320, 60, true],
    [300, 270, false],
    [100, 100, true],
    [535, 275, false],
    [600, 40, true],
  ],
];

function sequence(round: number, width: number, height: number): Click[] {
  return OBJECTS[round % OBJECTS.length].map(([x, y, isPositive]) => ({
    xPx: Math.round((x * width) / 640),
    yPx: Math.round((y * height) / 480),
    isPositive,
  }));
}

interface Samples {
  clickMs: number[];
  /** node: the model run; browser: the predictor call in the worker (model included). */
  innerMs: number[];
  longTasks: number;
  longestTaskMs: number;
}

const emptySamples = (): Samples => ({ clickMs: [], innerMs: [], longTasks: 0, longestTaskMs: 0 });

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** In the page: a WorkerPredictor per configuration (self-contained: playwright serialises it). */
async function openPredictors(args: {
  modelUrl: string;
  threads: number | undefined;
  configs: { boundaryRefinement?: boolean }[];
}): Promise<string> {
  type Sdk = typeof import('@simpleclick/core/web');
  const scope = window as unknown as { simpleclick: Sdk; __bench: Record<string, unknown> };
  const predictors = [];
  for (const options of args.configs) {
    const predictor = await scope.simpleclick.createWorkerPredictor(args.modelUrl, {
      executionProviders: ['wasm'],
      numThreads: args.threads,
      predictor: { preset: 'interactive', ...options },
    });
    await predictor.warmUp();
    predictors.push(predictor);
  }
  scope.__bench = { predictors, sessions: [] };
  return `${predictors[0].backend}, ${predictors[0].wasmNumThreads} threads, in the SDK worker`;
}

/** In the page: a WorkerSession per configuration on the raw RGB image at `url` (the previous ones closed). */
async function openSessions(args: { url: string; width: number; height: number }): Promise<void> {
  type Sdk = typeof import('@simpleclick/core/web');
  type Predictor = Awaited<ReturnType<Sdk['createWorkerPredictor']>>;
  type Session = Awaited<ReturnType<Predictor['createSession']>>;
  const scope = window as unknown as {
    __bench: { predictors: Predictor[]; sessions: { session: Session; predictMs: number[]; clicked: boolean }[] };
  };
  for (const { session } of scope.__bench.sessions) await session.close();
  const data = new Uint8Array(await (await fetch(args.url)).arrayBuffer());
  scope.__bench.sessions = [];
  for (const predictor of scope.__bench.predictors) {
    const session = await predictor.createSession({ width: args.width, height: args.height, data });
    const entry = { session, predictMs: [] as number[], clicked: false };
    session.on('prediction', (event) => entry.predictMs.push(event.timing.predictMs));
    scope.__bench.sessions.push(entry);
  }
}

/** In the page: one click sequence as a new object of configuration `config`'s session. */
async function clickSequence(args: {
  config: number;
  clicks: { xPx: number; yPx: number; isPositive: boolean }[];
}): Promise<{ clickMs: number[]; predictMs: number[]; longTasks: number[] }> {
  const scope = window as unknown as {
    __bench: {
      sessions: {
        session: { addClick(click: unknown): Promise<unknown>; finishObject(): Promise<unknown> };
        predictMs: number[];
        clicked: boolean;
      }[];
    };
    __longTasks: { start: number; duration: number }[];
  };
  const entry = scope.__bench.sessions[args.config];
  if (entry.clicked) await entry.session.finishObject();
  entry.predictMs.length = 0;
  const clickMs: number[] = [];
  const windows: [number, number][] = [];
  for (const click of args.clicks) {
    // Let the page breathe between clicks, as between a person's clicks.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const start = performance.now();
    await entry.session.addClick(click);
    const end = performance.now();
    clickMs.push(end - start);
    windows.push([start, end]);
  }
  entry.clicked = true;
  // Long tasks (and a late prediction event) are reported a little after they end.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const longTasks = scope.__longTasks
    .filter((task) => windows.some(([start, end]) => task.start < end && task.start + task.duration > start))
    .map((task) => task.duration);
  return { clickMs, predictMs: entry.predictMs.slice(), longTasks };
}

describe.skipIf(SKIP_REASON !== undefined)('browser benchmark: the SDK worker (WASM) against onnxruntime-node', () => {
  let fixture: BrowserFixture;
  const rawImages = new Map<string, RgbImage>();

  beforeAll(async () => {
    warnIfBundleIsStale();
    const fruit = join(DEMO_PATHS.exampleImages, 'fruit.png');
    for (const image of IMAGES) {
      const { data, info } = await sharp(fruit)
        .removeAlpha()
        .resize(image.width, image.height, { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`expected RGB, got ${info.channels} channels`);
      rawImages.set(image.name, { width: info.width, height: info.height, data: new Uint8Array(data) });
    }
    fixture = await openBrowserFixture({ flags: CHROMIUM_FLAGS });
    await recordLongTasks(fixture.page);
    // The model and the images from disk, same origin (so cross-origin isolation holds).
    await fixture.page.route('**/bench-files/*', async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const body =
        name === 'model.onnx'
          ? readFileSync(MODEL_PATH)
          : Buffer.from(rawImages.get(name.replace(/\.rgb$/, ''))?.data ?? new Uint8Array(0));
      return route.fulfill({ status: 200, contentType: 'application/octet-stream', body });
    });
    await openSandbox(fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('per-click p50/p95, browser / node, with and without boundary refinement', async () => {
    const { page } = fixture;
    const loadBefore = loads();
    const started = new Date().toISOString();
    const browserBackend = await page.evaluate(openPredictors, {
      modelUrl: 'bench-files/model.onnx',
      threads: BROWSER_THREADS,
      configs: CONFIGS.map((c) => c.options),
    });
    const nodeModel = await createNodeModel(MODEL_PATH, { intraOpNumThreads: THREADS });
    const nodePredictors = await Promise.all(
      CONFIGS.map((c) => ClickPredictor.create(nodeModel, { preset: 'interactive', ...c.options })),
    );
    const results = new Map<string, { node: Samples; browser: Samples }>();
    for (const image of IMAGES) {
      const rgb = rawImages.get(image.name)!;
      await page.evaluate(openSessions, { url: `bench-files/${image.name}.rgb`, width: rgb.width, height: rgb.height });
      for (const predictor of nodePredictors) await predictor.prepareImage(rgb);
      const mask: BinaryMask = { width: rgb.width, height: rgb.height, data: new Uint8Array(rgb.width * rgb.height) };
      for (const config of CONFIGS)
        results.set(`${image.name}/${config.name}`, { node: emptySamples(), browser: emptySamples() });
      for (let round = 0; round <= ROUNDS; round++) {
        const clicks = sequence(round, rgb.width, rgb.height);
        for (const [c, config] of CONFIGS.entries()) {
          const samples = results.get(`${image.name}/${config.name}`)!;
          const runNode = async () => {
            let state: ObjectState | undefined;
            for (let k = 1; k <= clicks.length; k++) {
              await new Promise((resolve) => setTimeout(resolve, 0));
              const start = performance.now();
              const result = await nodePredictors[c].predict(rgb, clicks.slice(0, k), state);
              result.toMask(undefined, mask);
              const clickMs = performance.now() - start;
              state = result.state;
              if (round > 0) {
                samples.node.clickMs.push(clickMs);
                samples.node.innerMs.push(result.timing.modelMs);
              }
            }
          };
          const runBrowser = async () => {
            const run = await page.evaluate(clickSequence, { config: c, clicks });
            if (round === 0) return;
            samples.browser.clickMs.push(...run.clickMs);
            samples.browser.innerMs.push(...run.predictMs);
            samples.browser.longTasks += run.longTasks.length;
            samples.browser.longestTaskMs = Math.max(samples.browser.longestTaskMs, ...run.longTasks);
          };
          // Alternate which path goes first, sequence by sequence and configuration by configuration.
          if ((round + c) % 2 === 0) {
            await runNode();
            await runBrowser();
          } else {
            await runBrowser();
            await runNode();
          }
        }
      }
      console.info(`browser-vs-node: ${image.label} done (load average ${loads()})`);
    }
    await page.evaluate(async () => {
      const scope = window as unknown as {
        __bench: { sessions: { session: { close(): Promise<void> } }[]; predictors: { close(): Promise<void> }[] };
      };
      for (const { session } of scope.__bench.sessions) await session.close();
      for (const predictor of scope.__bench.predictors) await predictor.close();
    });
    await nodeModel.close();
    const loadAfter = loads();
    const version = await page.evaluate(
      () => navigator.userAgent.match(/(?:Headless)?Chrome\/[0-9.]+/)?.[0] ?? navigator.userAgent,
    );

    const lines = [
      `browser vs node, ${started}: ${MODEL_PATH.split('/').pop()}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
        `Node ${process.version}, ${version} headless`,
      `node: onnxruntime-node ${nodeModel.executionProviders.join('+')}, ${THREADS} intra-op threads, ClickPredictor (predict + mask); ` +
        `browser: ${browserBackend}, WorkerSession.addClick`,
      `${ROUNDS} x 5 clicks per row after a warm-up sequence, paths alternating per sequence; ` +
        `load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after`,
      '',
      '| image | configuration | node p50 ms | node p95 ms | node model p50 ms | model / click | browser p50 ms | browser p95 ms | browser predictMs p50 | predict / click | browser / node p50 | browser / node p95 | long tasks (> 50 ms) during clicks |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    for (const image of IMAGES) {
      for (const config of CONFIGS) {
        const { node, browser } = results.get(`${image.name}/${config.name}`)!;
        const nodeP50 = percentile(node.clickMs, 50);
        const browserP50 = percentile(browser.clickMs, 50);
        lines.push(
          `| ${image.label} | ${config.label} | ${ms(nodeP50)} | ${ms(percentile(node.clickMs, 95))} | ` +
            `${ms(percentile(node.innerMs, 50))} | ${ratio(percentile(node.innerMs, 50), nodeP50).replace('x', '')} | ` +
            `${ms(browserP50)} | ${ms(percentile(browser.clickMs, 95))} | ${ms(percentile(browser.innerMs, 50))} | ` +
            `${ratio(percentile(browser.innerMs, 50), browserP50).replace('x', '')} | **${ratio(browserP50, nodeP50)}** | ` +
            `${ratio(percentile(browser.clickMs, 95), percentile(node.clickMs, 95))} | ` +
            `${browser.longTasks}${browser.longTasks > 0 ? ` (longest ${ms(browser.longestTaskMs)})` : ''} |`,
        );
      }
    }
    lines.push('');
    lines.push('Target (issue 12): browser / node p50 <= 2x.');
    console.info(`\n${lines.join('\n')}\n`);
  });
});
