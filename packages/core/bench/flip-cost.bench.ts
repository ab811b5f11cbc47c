/**
 * What flip averaging costs on this machine: one model run with batch 1 (flip off) vs batch 2 (flip on), with
 * onnxruntime-node and onnxruntime-web (WASM, 2 threads, inside Node). Runs alternate so that both see the same
 * background load. Not a test: it prints a table. From the repository root:
 *
 *     npx vitest run --config packages/core/bench/vitest.config.ts flip-cost
 *
 * Environment: SIMPLECLICK_BENCH_MODEL (default models/simpleclick-xtiny-narrow-finetuned-384.onnx),
 * SIMPLECLICK_BENCH_ITERATIONS (runs per batch size, default 8), SIMPLECLICK_BENCH_WEB=0 to skip the WASM runner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { it } from 'vitest';
import type { OnnxSegmentationModel } from '../src/model/onnx-segmentation-model';
import { createNodeModel } from '../src/node/index';
import { createWebModel } from '../src/web/index';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';

const MODEL_PATH = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
const ITERATIONS = Number(process.env.SIMPLECLICK_BENCH_ITERATIONS ?? 8);
const WITH_WEB = process.env.SIMPLECLICK_BENCH_WEB !== '0';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function measure(model: OnnxSegmentationModel): Promise<{ batch1: number[]; batch2: number[] }> {
  const size = model.metadata.inputSizePx;
  const length = 2 * 3 * size * size;
  const image = new Float32Array(length).map((_, i) => ((i * 2654435761) % 997) / 997);
  const clickMaps = new Float32Array(length);
  const run = async (batchSize: number) => {
    const start = performance.now();
    await model.run({
      batchSize,
      sizePx: size,
      image: image.subarray(0, batchSize * 3 * size * size),
      clickMaps: clickMaps.subarray(0, batchSize * 3 * size * size),
    });
    return performance.now() - start;
  };
  await run(1);
  await run(2); // warm-up
  const batch1: number[] = [];
  const batch2: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    batch1.push(await run(1));
    batch2.push(await run(2));
  }
  return { batch1, batch2 };
}

it.skipIf(!existsSync(MODEL_PATH))('flip cost: batch 1 vs batch 2', async () => {
  const lines: string[] = [];
  const loadBefore = loadavg()[0];
  const report = (name: string, { batch1, batch2 }: { batch1: number[]; batch2: number[] }) => {
    const one = median(batch1);
    const two = median(batch2);
    lines.push(
      `${name.padEnd(34)}${one.toFixed(0).padStart(10)}${two.toFixed(0).padStart(10)}${(two / one).toFixed(2).padStart(8)}x`,
    );
  };
  const nodeModel = await createNodeModel(MODEL_PATH);
  report('onnxruntime-node (cpu)', await measure(nodeModel));
  await nodeModel.close();
  if (WITH_WEB) {
    const webModel = await createWebModel(new Uint8Array(readFileSync(MODEL_PATH)), { numThreads: 2 });
    report('onnxruntime-web (wasm, 2 threads)', await measure(webModel));
    await webModel.close();
  }
  console.log(
    [
      `flip cost: ${MODEL_PATH.split('/').pop()}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
      `median of ${ITERATIONS} runs each, alternating; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
      `${'runtime'.padEnd(34)}${'batch 1'.padStart(10)}${'batch 2'.padStart(10)}   ratio`,
      ...lines,
    ].join('\n'),
  );
});
