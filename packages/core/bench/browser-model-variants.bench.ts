/**
 * Per-click time of the model's weight variants (fp32, fp16, int8 of `python3 -m simpleclick quantize`) in chromium
 * on onnxruntime-web's WASM backend, side by side in one page (issue 12, item 3). Prints numbers, asserts nothing;
 * not part of `npm test`. From the repository root, after `npm run build`:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts browser-model-variants
 *
 * In the browser benchmark's setting (the browser tests' launcher and demo server, the sandbox page with the built
 * SDK, cross-origin isolated): every variant is loaded into the same page with `createWebModel` (WASM,
 * SIMPLECLICK_BENCH_THREADS threads, default 2 as the demo), then the same 5-click sequences on examples/images/
 * fruit.png (640 x 480) go through `ClickPredictor.predict` with each model in rotating order, so every variant
 * sees the same load. The model files are served to the page from disk by playwright's request routing, so they
 * need not be in models/. WebGPU: the page reports whether `navigator.gpu` offers an adapter (timings on WebGPU
 * are only taken with SIMPLECLICK_BENCH_WEBGPU=1: chromium's WebGPU without a GPU is a CPU emulation).
 *
 * Environment: SIMPLECLICK_BENCH_MODELS (`label=path,...`, the first is the baseline; default as in
 * model-variants.bench.ts: the default model and its -fp16 / -int8 siblings), SIMPLECLICK_BENCH_ROUNDS (5-click
 * sequences per model and preset after a warm-up one, default 4), SIMPLECLICK_BENCH_PRESETS (default
 * `interactive,parity`), SIMPLECLICK_BENCH_THREADS (default 2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHROMIUM_FLAGS, CHROMIUM_WEBGPU_FLAGS } from '../../../test/browser/support/chromium';
import {
  BROWSER_SUITE_SKIP_REASON,
  openBrowserFixture,
  openSandbox,
  type BrowserFixture,
} from '../../../test/browser/support/browser-suite';
import { benchModels } from './bench-models';
import { percentile } from './bench-stats';

const THREADS = Number(process.env.SIMPLECLICK_BENCH_THREADS ?? 2);
const ROUNDS = Number(process.env.SIMPLECLICK_BENCH_ROUNDS ?? 4);
const PRESETS = (process.env.SIMPLECLICK_BENCH_PRESETS ?? 'interactive,parity').split(',');
const WITH_WEBGPU = process.env.SIMPLECLICK_BENCH_WEBGPU === '1';

interface PageResult {
  readonly webgpu: string;
  readonly rows: {
    backend: string;
    preset: string;
    label: string;
    clickMs: number[];
    modelMs: number[];
    error?: string;
  }[];
}

/** Runs in the page (self-contained: playwright serialises it). */
async function runInPage(args: {
  models: { label: string; url: string }[];
  threads: number;
  rounds: number;
  presets: string[];
  withWebGpu: boolean;
}): Promise<PageResult> {
  type Sdk = typeof import('@simpleclick/core/web');
  const sdk = (window as unknown as { simpleclick: Sdk }).simpleclick;
  const gpu = (
    navigator as Navigator & {
      gpu?: {
        requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
      };
    }
  ).gpu;
  let webgpu = 'navigator.gpu is unavailable';
  if (gpu !== undefined) {
    const adapter = await gpu.requestAdapter();
    webgpu =
      adapter === null
        ? 'navigator.gpu.requestAdapter() found no adapter'
        : `adapter ${JSON.stringify(adapter.info ?? {})}`;
  }
  const bitmap = await createImageBitmap(await (await fetch('examples/images/fruit.png')).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  const image = sdk.rgbImageFromImageData(context.getImageData(0, 0, bitmap.width, bitmap.height));
  const at = (xPx: number, yPx: number, isPositive: boolean) => ({ xPx, yPx, isPositive });
  const objects = [
    [at(300, 270, true), at(535, 275, false), at(250, 320, true), at(300, 390, false), at(350, 220, true)],
    [at(535, 275, true), at(300, 270, false), at(580, 330, true), at(500, 220, true), at(620, 400, false)],
    [at(312, 160, true), at(300, 230, false), at(300, 150, true), at(350, 120, false), at(325, 170, true)],
    [at(320, 60, true), at(300, 270, false), at(100, 100, true), at(535, 275, false), at(600, 40, true)],
  ];
  const backends = args.withWebGpu && !webgpu.startsWith('navigator') ? ['wasm', 'webgpu'] : ['wasm'];
  const rows: PageResult['rows'] = [];
  for (const backend of backends) {
    const loaded: { label: string; model?: Awaited<ReturnType<Sdk['createWebModel']>>; error?: string }[] = [];
    for (const m of args.models) {
      try {
        loaded.push({
          label: m.label,
          model: await sdk.createWebModel(m.url, { executionProviders: [backend], numThreads: args.threads }),
        });
      } catch (error) {
        loaded.push({ label: m.label, error: (error as Error).message.split('\n')[0] });
      }
    }
    const usable = loaded.filter((l) => l.model !== undefined);
    for (const preset of args.presets) {
      const predictors = await Promise.all(
        usable.map((l) => sdk.ClickPredictor.create(l.model!, { preset: preset as 'interactive' | 'parity' })),
      );
      const clickMs: number[][] = usable.map(() => []);
      const modelMs: number[][] = usable.map(() => []);
      for (let round = 0; round <= args.rounds; round++) {
        const clicks = objects[round % objects.length];
        for (let k = 0; k < predictors.length; k++) {
          const v = (k + round) % predictors.length;
          let state;
          for (let c = 1; c <= clicks.length; c++) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            const result = await predictors[v].predict(image, clicks.slice(0, c), state);
            state = result.state;
            if (round > 0) {
              clickMs[v].push(result.timing.totalMs);
              modelMs[v].push(result.timing.modelMs);
            }
          }
        }
      }
      usable.forEach((l, v) =>
        rows.push({ backend, preset, label: l.label, clickMs: clickMs[v], modelMs: modelMs[v] }),
      );
    }
    for (const l of loaded) {
      if (l.error !== undefined)
        rows.push({ backend, preset: '-', label: l.label, clickMs: [], modelMs: [], error: l.error });
      await l.model?.close();
    }
  }
  return { webgpu, rows };
}

const models = benchModels().filter((m) => existsSync(m.path));

describe.skipIf(BROWSER_SUITE_SKIP_REASON !== undefined || models.length === 0)(
  'browser benchmark: model weight variants',
  () => {
    let fixture: BrowserFixture;

    beforeAll(async () => {
      fixture = await openBrowserFixture({ flags: WITH_WEBGPU ? CHROMIUM_WEBGPU_FLAGS : CHROMIUM_FLAGS });
      // Serve each variant from disk at /bench-models/<label>.onnx (same origin, so cross-origin isolation holds).
      await fixture.page.route('**/bench-models/*.onnx', async (route) => {
        const label = decodeURIComponent(
          new URL(route.request().url()).pathname
            .split('/')
            .pop()!
            .replace(/\.onnx$/, ''),
        );
        const model = models.find((m) => m.label === label);
        if (model === undefined) return route.fulfill({ status: 404, body: 'unknown model' });
        return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(model.path) });
      });
      await openSandbox(fixture);
    });

    afterAll(async () => {
      await fixture?.close();
    });

    it('per-click time against the baseline, side by side in one page', async () => {
      const loadBefore = loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
      const started = new Date().toISOString();
      const result = await fixture.page.evaluate(runInPage, {
        models: models.map((m) => ({ label: m.label, url: `bench-models/${encodeURIComponent(m.label)}.onnx` })),
        threads: THREADS,
        rounds: ROUNDS,
        presets: PRESETS,
        withWebGpu: WITH_WEBGPU,
      });
      const version = await fixture.page.evaluate(
        () => navigator.userAgent.match(/(?:Headless)?Chrome\/[0-9.]+/)?.[0] ?? navigator.userAgent,
      );
      const lines = [
        `browser model variants, ${started}: ${version} headless, onnxruntime-web WASM ${THREADS} threads, ` +
          `fruit.png 640 x 480, ${ROUNDS} x 5 clicks per model and preset after a warm-up sequence, models in rotating order`,
        `load average ${loadBefore} before, ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} after; WebGPU: ${result.webgpu}`,
        `baseline ${models[0].label}: ${models[0].path}`,
        '',
        '| backend | preset | weights | MB | click p50 ms | click p90 ms | model p50 ms | click / baseline | model / baseline |',
        '|---|---|---|---:|---:|---:|---:|---:|---:|',
      ];
      for (const row of result.rows) {
        if (row.error !== undefined) {
          lines.push(`| ${row.backend} | - | ${row.label} | - | failed to load: ${row.error} | | | | |`);
          continue;
        }
        const base = result.rows.find(
          (r) => r.backend === row.backend && r.preset === row.preset && r.error === undefined,
        )!;
        const click = percentile(row.clickMs, 50);
        const model = percentile(row.modelMs, 50);
        const size = (statSync(models.find((m) => m.label === row.label)!.path).size / 1e6).toFixed(1);
        lines.push(
          `| ${row.backend} | ${row.preset} | ${row.label} | ${size} | ${click.toFixed(0)} | ${percentile(row.clickMs, 90).toFixed(0)} | ` +
            `${model.toFixed(0)} | ${(click / percentile(base.clickMs, 50)).toFixed(2)} | ${(model / percentile(base.modelMs, 50)).toFixed(2)} |`,
        );
      }
      console.info(`\n${lines.join('\n')}\n`);
    });
  },
);
