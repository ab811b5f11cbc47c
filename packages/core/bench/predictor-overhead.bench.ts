/**
 * Per-click time outside the model, for a 1920 x 1080 image with the xTiny model on onnxruntime-node.
 * Not a test: it prints a table and asserts nothing. From the repository root:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts predictor-overhead
 *
 * Environment: SIMPLECLICK_BENCH_MODEL (default models/simpleclick-xtiny-untrained-448.onnx),
 * SIMPLECLICK_BENCH_ITERATIONS (measured clicks per scenario, default 6, after one warm-up),
 * SIMPLECLICK_BENCH_THREADS (onnxruntime intra-op threads; default: onnxruntime's choice),
 * SIMPLECLICK_BENCH_SPINNING=1 (let onnxruntime's threads busy-wait, its own default; the SDK turns it off).
 *
 * Scenarios, each with flip averaging off (interactive preset) and on (parity preset):
 * - first click: the ROI is the whole image, so the probabilities are resized back to 1920 x 1080;
 * - refine, object ROI: a later click on an object of 300 x 300 pixels (ROI about 420 x 420);
 * - refine, whole-image ROI: a later click when the previous mask spans the image (the worst case).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import { ClickPredictor, ObjectState, type Click, type PredictorTiming, type RgbImage } from '../src/index';
import { createNodeModel } from '../src/node/index';

const MODEL_PATH =
  process.env.SIMPLECLICK_BENCH_MODEL ??
  fileURLToPath(new URL('../../../models/simpleclick-xtiny-untrained-448.onnx', import.meta.url));
const ITERATIONS = Number(process.env.SIMPLECLICK_BENCH_ITERATIONS ?? 6);
const THREADS = process.env.SIMPLECLICK_BENCH_THREADS ? Number(process.env.SIMPLECLICK_BENCH_THREADS) : undefined;
const SPINNING = process.env.SIMPLECLICK_BENCH_SPINNING === '1';
const WIDTH = 1920;
const HEIGHT = 1080;

function syntheticImage(): RgbImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      const inObject = (x - 900) ** 2 / 150 ** 2 + (y - 500) ** 2 / 150 ** 2 <= 1;
      data[i] = inObject ? 200 : (x * 255) / WIDTH;
      data[i + 1] = inObject ? 60 : (y * 255) / HEIGHT;
      data[i + 2] = ((x ^ y) & 63) * 4;
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}

function objectMaskState(): ObjectState {
  const data = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 350; y < 650; y++) data.fill(1, y * WIDTH + 750, y * WIDTH + 1050);
  return ObjectState.fromMask({ width: WIDTH, height: HEIGHT, data });
}

function wholeImageState(): ObjectState {
  // A previous prediction over the whole image whose mask touches two corners: the ROI stays the image.
  const probabilities = new Float32Array(WIDTH * HEIGHT).fill(0.2);
  probabilities[0] = 0.9;
  probabilities[probabilities.length - 1] = 0.9;
  const roi = { rowMin: 0, rowMax: HEIGHT - 1, colMin: 0, colMax: WIDTH - 1 };
  return ObjectState.fromPrediction(WIDTH, HEIGHT, roi, probabilities);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function row(name: string, timings: PredictorTiming[]): string {
  const total = median(timings.map((t) => t.totalMs));
  const model = median(timings.map((t) => t.modelMs));
  const outside = median(timings.map((t) => t.totalMs - t.modelMs));
  const cells = [
    total,
    model,
    median(timings.map((t) => t.preprocessMs)),
    median(timings.map((t) => t.postprocessMs)),
    outside,
  ].map((v) => v.toFixed(1).padStart(8));
  return `${name.padEnd(40)}${cells.join('')}${((100 * outside) / total).toFixed(1).padStart(8)}%`;
}

it.skipIf(!existsSync(MODEL_PATH))(`predictor overhead, ${WIDTH} x ${HEIGHT}`, async () => {
  const image = syntheticImage();
  const model = await createNodeModel(MODEL_PATH, { intraOpNumThreads: THREADS, allowSpinning: SPINNING });
  const firstClick: Click[] = [{ xPx: 900, yPx: 500, isPositive: true }];
  const refineClicks: Click[] = [...firstClick, { xPx: 950, yPx: 560, isPositive: true }];
  const scenarios: Array<[string, () => ObjectState | undefined, Click[]]> = [
    ['first click (ROI = whole image)', () => undefined, firstClick],
    ['refine, object ROI (~420 x 420)', objectMaskState, refineClicks],
    ['refine, whole-image ROI', wholeImageState, refineClicks],
  ];
  const lines: string[] = [];
  const loadBefore = loadavg()[0];
  for (const preset of ['interactive', 'parity'] as const) {
    const predictor = await ClickPredictor.create(model, { preset });
    for (const [name, makeState, clicks] of scenarios) {
      const state = makeState();
      const timings: PredictorTiming[] = [];
      for (let i = 0; i <= ITERATIONS; i++) {
        const result = await predictor.predict(image, clicks, state);
        if (i > 0) timings.push(result.timing); // the first run is a warm-up
      }
      lines.push(row(`${preset === 'parity' ? 'flip on ' : 'flip off'}: ${name}`, timings));
    }
  }
  await model.close();
  const header = `${'median ms per click'.padEnd(40)}${['total', 'model', 'pre', 'post', 'outside'].map((h) => h.padStart(8)).join('')}   share`;
  console.log(
    [
      `predictor overhead: ${WIDTH} x ${HEIGHT} image, ${MODEL_PATH.split('/').pop()}, onnxruntime-node ${model.executionProviders.join('+')}, spinning ${SPINNING ? 'on' : 'off'}`,
      `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${ITERATIONS} clicks per row after a warm-up, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
      header,
      ...lines,
    ].join('\n'),
  );
});
