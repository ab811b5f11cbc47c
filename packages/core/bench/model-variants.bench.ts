/**
 * Per-click time of the default model's weight variants side by side (issue 12, item 3: a faster model path):
 * fp32 (the baseline), fp16 weights, and the int8 files of `python3 -m simpleclick quantize`. The same clicks on
 * the same photo through `ClickPredictor.predict`, one model after the other in rotating order (same load), on
 * onnxruntime-node (CPU EP) and on onnxruntime-web's WASM backend inside Node. Prints numbers, asserts nothing;
 * not part of `npm test`. From the repository root:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts bench/model-variants
 *
 * (`model-variants` alone also matches browser-model-variants.bench.ts, the same comparison in chromium.)
 *
 * Environment:
 * - SIMPLECLICK_BENCH_MODELS: `label=path,label=path,...`, the first one the baseline every ratio divides by.
 *   Default: the default model (fp32) and whichever of its `-fp16`, `-int8`, `-int8-qdq`, `-int8-pt` siblings
 *   exist in models/ (SIMPLECLICK_BENCH_MODEL names another fp32 file to take the siblings of).
 * - SIMPLECLICK_BENCH_THREADS: onnxruntime threads (default 1: the development VM has 2 shared cores).
 * - SIMPLECLICK_BENCH_ROUNDS: 5-click sequences per model and preset (default 4, after one warm-up sequence).
 * - SIMPLECLICK_BENCH_RUNTIMES: `node,wasm` (default both).
 * - SIMPLECLICK_BENCH_PRESETS: `interactive,parity` (default both: flip off = batch 1, flip on = batch 2).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import sharp from 'sharp';
import { it } from 'vitest';
import { ClickPredictor, type RgbImage } from '../src/index';
import type { OnnxSegmentationModel } from '../src/model/onnx-segmentation-model';
import { createNodeModel } from '../src/node/index';
import { createWebModel } from '../src/web/index';
import { REPO_ROOT } from '../../../test/support/default-model';
import { benchModels } from './bench-models';
import { percentile } from './bench-stats';

const THREADS = Number(process.env.SIMPLECLICK_BENCH_THREADS ?? 1);
const ROUNDS = Number(process.env.SIMPLECLICK_BENCH_ROUNDS ?? 4);
const RUNTIMES = (process.env.SIMPLECLICK_BENCH_RUNTIMES ?? 'node,wasm').split(',');
const PRESETS = (process.env.SIMPLECLICK_BENCH_PRESETS ?? 'interactive,parity').split(',') as (
  'interactive' | 'parity'
)[];

/** examples/images/fruit.png (640 x 480) and four objects of it, five clicks each (as the browser benchmark). */
async function photo(): Promise<{ image: RgbImage; objects: { xPx: number; yPx: number; isPositive: boolean }[][] }> {
  const { data, info } = await sharp(join(REPO_ROOT, 'examples/images/fruit.png'))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (xPx: number, yPx: number, isPositive: boolean) => ({ xPx, yPx, isPositive });
  return {
    image: {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    },
    objects: [
      [at(300, 270, true), at(535, 275, false), at(250, 320, true), at(300, 390, false), at(350, 220, true)],
      [at(535, 275, true), at(300, 270, false), at(580, 330, true), at(500, 220, true), at(620, 400, false)],
      [at(312, 160, true), at(300, 230, false), at(300, 150, true), at(350, 120, false), at(325, 170, true)],
      [at(320, 60, true), at(300, 270, false), at(100, 100, true), at(535, 275, false), at(600, 40, true)],
    ],
  };
}

async function load(runtime: string, path: string): Promise<OnnxSegmentationModel> {
  if (runtime === 'node') return createNodeModel(path, { intraOpNumThreads: THREADS });
  return createWebModel(new Uint8Array(readFileSync(path)), { numThreads: THREADS });
}

const models = benchModels();

it.skipIf(!existsSync(models[0].path))('model variants: per-click time against fp32, side by side', async () => {
  const { image, objects } = await photo();
  const lines: string[] = [];
  const loadBefore = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const started = new Date().toISOString();
  const present = models.filter((m) => existsSync(m.path));
  for (const runtime of RUNTIMES) {
    const loaded: { label: string; model?: OnnxSegmentationModel; error?: string }[] = [];
    for (const m of present) {
      try {
        loaded.push({ label: m.label, model: await load(runtime, m.path) });
      } catch (error) {
        loaded.push({ label: m.label, error: (error as Error).message.split('\n')[0] });
      }
    }
    const usable = loaded.filter((l) => l.model !== undefined);
    for (const preset of PRESETS) {
      const predictors = await Promise.all(usable.map((l) => ClickPredictor.create(l.model!, { preset })));
      const clickMs: number[][] = usable.map(() => []);
      const modelMs: number[][] = usable.map(() => []);
      for (let round = 0; round <= ROUNDS; round++) {
        const clicks = objects[round % objects.length];
        // Rotate which model goes first, so that none always runs right after another one's caches.
        for (let k = 0; k < predictors.length; k++) {
          const v = (k + round) % predictors.length;
          let state;
          for (let c = 1; c <= clicks.length; c++) {
            const result = await predictors[v].predict(image, clicks.slice(0, c), state);
            state = result.state;
            if (round > 0) {
              clickMs[v].push(result.timing.totalMs);
              modelMs[v].push(result.timing.modelMs);
            }
          }
        }
      }
      const base = { click: percentile(clickMs[0], 50), model: percentile(modelMs[0], 50) };
      for (const [v, l] of usable.entries()) {
        const click = percentile(clickMs[v], 50);
        const model = percentile(modelMs[v], 50);
        const size = (statSync(present.find((m) => m.label === l.label)!.path).size / 1e6).toFixed(1);
        lines.push(
          `| ${runtime === 'node' ? 'onnxruntime-node cpu' : 'onnxruntime-web wasm (in Node)'} | ${preset} | ${l.label} | ${size} | ` +
            `${click.toFixed(1)} | ${percentile(clickMs[v], 90).toFixed(1)} | ${model.toFixed(1)} | ${(click / base.click).toFixed(2)} | ${(model / base.model).toFixed(2)} |`,
        );
      }
    }
    for (const l of loaded) {
      if (l.error !== undefined) lines.push(`| ${runtime} | - | ${l.label} | - | failed to load: ${l.error} | | | | |`);
      await l.model?.close();
    }
  }
  console.log(
    [
      `model variants, ${started}: examples/images/fruit.png (640 x 480), 4 objects x 5 clicks, ${ROUNDS} sequences per ` +
        `model and preset after a warm-up one, models in rotating order; ${THREADS} onnxruntime thread(s)`,
      `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average ${loadBefore} before, ` +
        `${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} after`,
      `baseline ${present[0].label}: ${present[0].path}`,
      '',
      '| runtime | preset | weights | MB | click p50 ms | click p90 ms | model p50 ms | click / baseline | model / baseline |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|',
      ...lines,
    ].join('\n'),
  );
});
