/**
 * What the interactive preset's boundary refinement (guided filter inside the zoom-in crop) costs per click:
 * replays the clicks of an evaluation run (the objects of a `simpleclick eval -o results.json` file) with two
 * interactive predictors and more, without and with `boundaryRefinement: true` (and with its fast variants,
 * `subsample` 2, 3...: SIMPLECLICK_BENCH_SUBSAMPLES, default `1,2`), click by click in alternation (same load).
 * Each predictor carries its own states, so both see the same clicks on their own masks. Prints the mean and
 * median wall time per click and of its part after the model (`post`: sigmoid, resize back to the ROI, the
 * refinement), and the mean process CPU time per click (`cpu`: the model included; with one onnxruntime thread it
 * measures the work, not the wait for a core, so the difference of the two rows is the refinement's cost even on a
 * loaded machine). Not a test. From the repository root:
 *
 *     SIMPLECLICK_BENCH_RESULTS=results.json SIMPLECLICK_DATA=<datasets root> \
 *       npx vitest run --config packages/core/bench/vitest.config.ts boundary-refinement
 *
 * Environment: SIMPLECLICK_BENCH_RESULTS (required; the image paths in it are relative to SIMPLECLICK_DATA),
 * SIMPLECLICK_BENCH_MODEL (default models/simpleclick-xtiny-narrow-finetuned-384.onnx),
 * SIMPLECLICK_BENCH_OBJECTS (objects replayed, default 20), SIMPLECLICK_BENCH_THREADS (onnxruntime threads, default 1),
 * SIMPLECLICK_BENCH_SUBSAMPLES (comma-separated subsampling factors of the refined predictors, default `1,2`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import type { Click } from '../src/clicks/click';
import { ClickPredictor } from '../src/predictor/click-predictor';
import type { ObjectState } from '../src/predictor/object-state';
import { createNodeModel, decodeImageFile } from '../src/node/index';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';

const RESULTS = process.env.SIMPLECLICK_BENCH_RESULTS;
const DATA = process.env.SIMPLECLICK_DATA ?? '';
const MODEL_PATH = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
const OBJECTS = Number(process.env.SIMPLECLICK_BENCH_OBJECTS ?? 20);
const THREADS = Number(process.env.SIMPLECLICK_BENCH_THREADS ?? 1);
const SUBSAMPLES = (process.env.SIMPLECLICK_BENCH_SUBSAMPLES ?? '1,2').split(',').map(Number);

interface Sample {
  totalMs: number;
  postMs: number;
  cpuMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

it.skipIf(RESULTS === undefined || !existsSync(MODEL_PATH))('boundary refinement: per-click cost', async () => {
  const results = JSON.parse(readFileSync(RESULTS as string, 'utf8')) as {
    objects: { id: string; imageSource: string; clicks: Click[] }[];
  };
  const objects = results.objects.slice(0, OBJECTS);
  const make = async (refine: boolean | { subsample: number }) =>
    ClickPredictor.create(await createNodeModel(MODEL_PATH, { intraOpNumThreads: THREADS }), {
      preset: 'interactive',
      boundaryRefinement: refine,
    });
  const labels = ['off', ...SUBSAMPLES.map((s) => `on, s=${s}`)];
  const predictors = [await make(false)];
  for (const subsample of SUBSAMPLES) predictors.push(await make({ subsample }));
  const samples: Sample[][] = predictors.map(() => []);
  const loadBefore = loadavg()[0];
  for (const object of objects) {
    const image = await decodeImageFile(join(DATA, object.imageSource));
    const states: (ObjectState | undefined)[] = predictors.map(() => undefined);
    for (let k = 1; k <= object.clicks.length; k++) {
      for (let which = 0; which < predictors.length; which++) {
        const cpuStart = process.cpuUsage();
        const result = await predictors[which].predict(image, object.clicks.slice(0, k), states[which]);
        const cpu = process.cpuUsage(cpuStart);
        states[which] = result.state;
        samples[which].push({
          totalMs: result.timing.totalMs,
          postMs: result.timing.postprocessMs,
          cpuMs: (cpu.user + cpu.system) / 1000,
        });
      }
    }
  }
  for (const predictor of predictors) await predictor.close();
  const row = (name: string, list: Sample[]) =>
    `${name.padEnd(14)}${[
      mean(list.map((s) => s.totalMs)),
      median(list.map((s) => s.totalMs)),
      mean(list.map((s) => s.postMs)),
      median(list.map((s) => s.postMs)),
      mean(list.map((s) => s.cpuMs)),
    ]
      .map((v) => v.toFixed(1).padStart(10))
      .join('')}`;
  console.log(
    [
      `boundary refinement cost: ${MODEL_PATH.split('/').pop()}, ${objects.length} objects, ${samples[0].length} clicks each way, ` +
        `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${THREADS} onnxruntime thread(s)`,
      `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after; ms per click`,
      `${'refinement'.padEnd(14)}${'mean'.padStart(10)}${'median'.padStart(10)}${'post mean'.padStart(10)}${'post med'.padStart(10)}${'cpu mean'.padStart(10)}`,
      ...samples.map((list, which) => row(labels[which], list)),
    ].join('\n'),
  );
});
