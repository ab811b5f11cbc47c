/**
 * Where the browser's WASM model time goes, and which runtime settings change it (issue 12: "browser WASM p50
 * within 2x of the Node click"). The model run alone (`session.run`, batch 1, fixed random inputs), no SDK code:
 * each variant is a dedicated module Web Worker of its own (as the SDK's worker is), with its own copy of
 * onnxruntime-web, in one cross-origin isolated page of the browser tests' demo server; the variants run in
 * rotating order, one run each per round, so all see the same load. Prints numbers and asserts nothing; not part
 * of `npm test`. From the repository root:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts browser-wasm-runtime
 *
 * Variant names (SIMPLECLICK_BENCH_VARIANTS, comma-separated, the first is the baseline; default
 * `jsep-t2,wasm-t2,jsep-t1,wasm-t1`): `<build>-t<threads>[-<option>...]` where build is
 *
 * - `jsep`: `ort.min.mjs`, onnxruntime-web's default entry (what `import 'onnxruntime-web'` gives a bundler, and
 *   what the SDK's worker runs): WebGPU + WASM, `ort-wasm-simd-threaded.jsep.wasm` (built with Asyncify for JSEP);
 * - `wasm`: `ort.wasm.min.mjs` (`onnxruntime-web/wasm`): WASM only, `ort-wasm-simd-threaded.wasm`;
 * - `jspi`: `ort.jspi.min.mjs` (`onnxruntime-web/jspi`): WebGPU + WASM with JS promise integration instead of Asyncify;
 *
 * and options are `nospin` (`session.intra_op.allow_spinning = 0`), `batch1` (`freeDimensionOverrides: {batch: 1}`),
 * `ext` (`graphOptimizationLevel: 'extended'`), `basic` (`'basic'`). SIMPLECLICK_BENCH_ROUNDS: timed rounds (default
 * 12, after 2 warm-up runs per variant). SIMPLECLICK_BENCH_PROFILE=1: also a per-operator profile of each variant
 * (onnxruntime's `enableProfiling`, 3 runs after the timed ones, in a second session), summed by operator type.
 * SIMPLECLICK_BENCH_MODEL: the model (default models/<default model>.onnx).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../../../test/browser/support/chromium';
import {
  BROWSER_SUITE_SKIP_REASON,
  openBrowserFixture,
  openSandbox,
  type BrowserFixture,
} from '../../../test/browser/support/browser-suite';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';
import { percentile } from './bench-stats';

const MODEL_PATH = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
const VARIANTS = (process.env.SIMPLECLICK_BENCH_VARIANTS ?? 'jsep-t2,wasm-t2,jsep-t1,wasm-t1').split(',');
const ROUNDS = Number(process.env.SIMPLECLICK_BENCH_ROUNDS ?? 12);
const PROFILE = process.env.SIMPLECLICK_BENCH_PROFILE === '1';

const BUILDS: Record<string, string> = { jsep: 'ort.min.mjs', wasm: 'ort.wasm.min.mjs', jspi: 'ort.jspi.min.mjs' };

interface VariantSpec {
  readonly name: string;
  readonly ortFile: string;
  readonly threads: number;
  readonly sessionOptions: Record<string, unknown>;
}

function parseVariant(name: string): VariantSpec {
  const [build, threadsPart, ...options] = name.split('-');
  const ortFile = BUILDS[build];
  const threads = Number(/^t(\d+)$/.exec(threadsPart ?? '')?.[1]);
  if (ortFile === undefined || !Number.isInteger(threads) || threads < 1) throw new Error(`bad variant ${name}`);
  const sessionOptions: Record<string, unknown> = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  for (const option of options) {
    if (option === 'nospin') sessionOptions.extra = { session: { intra_op: { allow_spinning: '0' } } };
    else if (option === 'batch1') sessionOptions.freeDimensionOverrides = { batch: 1 };
    else if (option === 'ext') sessionOptions.graphOptimizationLevel = 'extended';
    else if (option === 'basic') sessionOptions.graphOptimizationLevel = 'basic';
    else throw new Error(`bad option ${option} in ${name}`);
  }
  return { name, ortFile, threads, sessionOptions };
}

/** The worker's source: one onnxruntime-web build, one session, runs on request. */
const WORKER_SOURCE = `
const captured = [];
let ort, session, feeds;
const nativeLog = console.log;
console.log = (...args) => { if (captured !== null) captured.push(args.join(' ')); };
self.onmessage = async ({ data }) => {
  try {
    if (data.type === 'init') {
      ort = await import(data.ortUrl);
      ort.env.wasm.wasmPaths = data.wasmPaths;
      ort.env.wasm.numThreads = data.threads;
      const bytes = new Uint8Array(await (await fetch(data.modelUrl)).arrayBuffer());
      session = await ort.InferenceSession.create(bytes, data.sessionOptions);
      const n = 3 * data.size * data.size;
      const image = new Float32Array(n), clicks = new Float32Array(n);
      let x = 12345;
      for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; image[i] = (x / 4294967296) * 2 - 1; }
      for (let y = 0; y < data.size; y++) for (let c = 0; c < data.size; c++)
        if ((y - data.size / 2) ** 2 + (c - data.size / 2) ** 2 < 25) clicks[y * data.size + c] = 1;
      feeds = { image: new ort.Tensor('float32', image, [1, 3, data.size, data.size]),
                click_maps: new ort.Tensor('float32', clicks, [1, 3, data.size, data.size]) };
      self.postMessage({ ok: true, numThreads: ort.env.wasm.numThreads });
    } else if (data.type === 'run') {
      const start = performance.now();
      const out = await session.run(feeds);
      const ms = performance.now() - start;
      const logits = data.withLogits ? out.logits.data.slice() : undefined;
      self.postMessage({ ok: true, ms, logits });
    } else if (data.type === 'profile') {
      const profiled = await ort.InferenceSession.create(
        new Uint8Array(await (await fetch(data.modelUrl)).arrayBuffer()),
        { ...data.sessionOptions, enableProfiling: true });
      captured.length = 0;
      for (let i = 0; i < data.runs; i++) await profiled.run(feeds);
      profiled.endProfiling();
      await profiled.release();
      self.postMessage({ ok: true, text: captured.join('\\n') });
    }
  } catch (error) {
    self.postMessage({ ok: false, error: String(error && error.stack || error) });
  }
};
`;

/** In the page: starts one worker per variant and creates its session. */
async function openVariants(args: {
  source: string;
  origin: string;
  variants: VariantSpec[];
  modelUrl: string;
  size: number;
}): Promise<{ numThreads: number }[]> {
  const url = URL.createObjectURL(new Blob([args.source], { type: 'text/javascript' }));
  const scope = window as unknown as { __variants: { call(message: unknown): Promise<Record<string, unknown>> }[] };
  scope.__variants = [];
  const infos = [];
  for (const variant of args.variants) {
    const worker = new Worker(url, { type: 'module' });
    const call = (message: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.onmessage = ({ data }) => (data.ok ? resolve(data) : reject(new Error(data.error)));
        worker.postMessage(message);
      });
    const info = await call({
      type: 'init',
      ortUrl: `${args.origin}ort/${variant.ortFile}`,
      wasmPaths: `${args.origin}ort/`,
      threads: variant.threads,
      modelUrl: `${args.origin}${args.modelUrl}`,
      sessionOptions: variant.sessionOptions,
      size: args.size,
    });
    scope.__variants.push({ call });
    infos.push({ numThreads: info.numThreads as number });
  }
  return infos;
}

async function runVariant(args: { index: number; withLogits: boolean }): Promise<{ ms: number; logits?: number[] }> {
  const scope = window as unknown as { __variants: { call(message: unknown): Promise<Record<string, unknown>> }[] };
  const result = await scope.__variants[args.index].call({ type: 'run', withLogits: args.withLogits });
  return { ms: result.ms as number, logits: result.logits ? Array.from(result.logits as Float32Array) : undefined };
}

async function profileVariant(args: {
  index: number;
  origin: string;
  modelUrl: string;
  sessionOptions: Record<string, unknown>;
  runs: number;
}): Promise<string> {
  const scope = window as unknown as { __variants: { call(message: unknown): Promise<Record<string, unknown>> }[] };
  const result = await scope.__variants[args.index].call({
    type: 'profile',
    modelUrl: `${args.origin}${args.modelUrl}`,
    sessionOptions: args.sessionOptions,
    runs: args.runs,
  });
  return result.text as string;
}

interface ProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

/** Sums onnxruntime's profile by operator type over the runs after the first (ms per run). */
function operatorTimes(text: string): { perOp: Map<string, number>; runMs: number[] } {
  const events = JSON.parse(text.slice(text.indexOf('['), text.lastIndexOf(']') + 1)) as ProfileEvent[];
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(1);
  const perOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.args?.op_name === undefined) continue;
    if (!runs.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur)) continue;
    perOp.set(e.args.op_name, (perOp.get(e.args.op_name) ?? 0) + e.dur / 1000 / runs.length);
  }
  return { perOp, runMs: runs.map((r) => r.dur / 1000) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)];
}

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

describe.skipIf(BROWSER_SUITE_SKIP_REASON !== undefined || !existsSync(MODEL_PATH))(
  'browser benchmark: onnxruntime-web runtime settings, the model run alone',
  () => {
    let fixture: BrowserFixture;

    beforeAll(async () => {
      fixture = await openBrowserFixture({ flags: CHROMIUM_FLAGS });
      await fixture.page.route('**/bench-files/model.onnx', (route) =>
        route.fulfill({ status: 200, contentType: 'application/octet-stream', body: readFileSync(MODEL_PATH) }),
      );
      await openSandbox(fixture);
    });

    afterAll(async () => {
      await fixture?.close();
    });

    it('model run per variant, rotating order', async () => {
      const { page } = fixture;
      const variants = VARIANTS.map(parseVariant);
      const origin = fixture.server.url;
      const loadBefore = loads();
      const started = new Date().toISOString();
      const infos = await page.evaluate(openVariants, {
        source: WORKER_SOURCE,
        origin,
        variants,
        modelUrl: 'bench-files/model.onnx',
        size: Number(process.env.SIMPLECLICK_BENCH_SIZE ?? 320),
      });
      const times: number[][] = variants.map(() => []);
      const logits: (number[] | undefined)[] = variants.map(() => undefined);
      for (let round = -2; round < ROUNDS; round++) {
        for (let k = 0; k < variants.length; k++) {
          const index = (k + Math.max(0, round)) % variants.length;
          const result = await page.evaluate(runVariant, { index, withLogits: round === -1 });
          if (round >= 0) times[index].push(result.ms);
          if (result.logits !== undefined) logits[index] = result.logits;
        }
      }
      const loadAfter = loads();
      const version = await page.evaluate(
        () => navigator.userAgent.match(/(?:Headless)?Chrome\/[0-9.]+/)?.[0] ?? navigator.userAgent,
      );
      const base = median(times[0]);
      const lines = [
        `browser WASM runtime variants, ${started}: ${MODEL_PATH.split('/').pop()}, ${version} headless, ` +
          `onnxruntime-web 1.30, session.run alone (batch 1), ${ROUNDS} runs per variant after 2 warm-up runs, rotating order`,
        `load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after`,
        '',
        '| variant | threads (ort.env) | p50 ms | p90 ms | min ms | p50 / baseline | max abs logit diff vs baseline |',
        '|---|---:|---:|---:|---:|---:|---:|',
      ];
      variants.forEach((variant, i) => {
        let diff = 0;
        const a = logits[0];
        const b = logits[i];
        if (a !== undefined && b !== undefined)
          for (let j = 0; j < a.length; j++) diff = Math.max(diff, Math.abs(a[j] - b[j]));
        lines.push(
          `| ${variant.name} | ${infos[i].numThreads} | ${median(times[i]).toFixed(0)} | ${percentile(times[i], 90).toFixed(0)} | ` +
            `${Math.min(...times[i]).toFixed(0)} | ${(median(times[i]) / base).toFixed(2)} | ${diff.toExponential(1)} |`,
        );
      });
      lines.push(
        '',
        `runs (ms): ${variants.map((v, i) => `${v.name} ${times[i].map((t) => t.toFixed(0)).join(' ')}`).join('; ')}`,
      );
      if (PROFILE) {
        const profiles = [];
        for (const [index, variant] of variants.entries()) {
          const text = await page.evaluate(profileVariant, {
            index,
            origin,
            modelUrl: 'bench-files/model.onnx',
            sessionOptions: variant.sessionOptions,
            runs: 4,
          });
          profiles.push(operatorTimes(text));
        }
        const ops = [...profiles[0].perOp.entries()].sort((p, q) => q[1] - p[1]).map(([op]) => op);
        for (const p of profiles) for (const op of p.perOp.keys()) if (!ops.includes(op)) ops.push(op);
        lines.push(
          '',
          `per-operator profile (enableProfiling, 3 runs after 1, ms per run; load ${loads()}):`,
          '',
          `| operator | ${variants.map((v) => v.name).join(' | ')} |`,
          `|---|${variants.map(() => '---:').join('|')}|`,
        );
        for (const op of ops)
          lines.push(`| ${op} | ${profiles.map((p) => (p.perOp.get(op) ?? 0).toFixed(1)).join(' | ')} |`);
        lines.push(`| (model_run) | ${profiles.map((p) => median(p.runMs).toFixed(0)).join(' | ')} |`);
      }
      console.info(lines.join('\n'));
    });
  },
);
