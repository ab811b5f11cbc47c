#!/usr/bin/env node
// Model time per click of exported SimpleClick ONNX files in onnxruntime-node (the SDK's CPU runtime), for the
// README's "Better models" table: one run of batch 1 (interactive preset) and of batch 2 (parity preset: flip
// averaging) per click, on random inputs (time does not depend on the values).
//
// Usage: node python/tools/per_click_ms.mjs [--threads 2] [--runs 5] MODEL.onnx...
// Prints one JSON line per model: {"model", "inputSize", "loadMs", "batch1Ms", "batch2Ms"} (medians after a warm-up).
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ort = createRequire(import.meta.url)('onnxruntime-node');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeModel(file, threads, runs) {
  const loadStart = performance.now();
  const session = await ort.InferenceSession.create(path.resolve(file), {
    intraOpNumThreads: threads, graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - loadStart;
  const size = session.inputMetadata?.[0]?.shape?.[2] ?? 448;
  const result = { model: path.basename(file), inputSize: size, loadMs: Math.round(loadMs) };
  for (const batch of [1, 2]) {
    const count = batch * 3 * size * size;
    const feeds = {
      image: new ort.Tensor('float32', Float32Array.from({ length: count }, () => Math.random()), [batch, 3, size, size]),
      click_maps: new ort.Tensor('float32', new Float32Array(count), [batch, 3, size, size]),
    };
    await session.run(feeds); // warm-up: the first run allocates
    const times = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    result[`batch${batch}Ms`] = Math.round(median(times));
  }
  await session.release?.();
  return result;
}

const args = process.argv.slice(2);
let threads = 2;
let runs = 5;
const files = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else files.push(args[i]);
}
for (const file of files) console.log(JSON.stringify(await timeModel(file, threads, runs)));
