#!/usr/bin/env node
// Where the WASM model time goes (issue 12): a per-operator profile of one model on onnxruntime-web (WASM, the
// browser's kernels, run inside Node) and on onnxruntime-node (CPU), same inputs, same thread count, summed by
// operator type: ms per run, share, the WASM / native ratio per type, and GFLOP/s of the MatMul and Conv kernels
// (from the shapes in the profile). Both sessions use graphOptimizationLevel 'all', as the SDK's loaders do. From the
// repository root:
//
//   node packages/core/bench/wasm-profile.mjs [--threads 1] [--runs 6] [--model models/<model>.onnx]
//
// The first run of each session is left out (warm-up). onnxruntime-web writes its profile to stdout
// (`endProfiling`), which this script captures; onnxruntime-node writes a JSON file into a temporary folder.
// Prints Markdown; asserts nothing. Run nothing else meanwhile: profiles of a loaded machine are inflated by the
// wait for a core (the ratio per operator is the comparable number).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : args[at + 1];
};
const threads = Number(option('threads', '1'));
const runs = Number(option('runs', '6'));
const modelPath = resolve(option('model', join(REPO, 'models', 'simpleclick-xtiny-narrow-finetuned-384.onnx')));

const web = await import('onnxruntime-web');
const native = (await import('onnxruntime-node')).default;

/** Fixed inputs: a pseudo-random image and one click disk, batch 1. */
function feeds(ort, size) {
  const n = 3 * size * size;
  const image = new Float32Array(n);
  const clicks = new Float32Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    image[i] = (x / 4294967296) * 2 - 1;
  }
  for (let y = 0; y < size; y++)
    for (let c = 0; c < size; c++) if ((y - size / 2) ** 2 + (c - size / 2) ** 2 < 25) clicks[y * size + c] = 1;
  return {
    image: new ort.Tensor('float32', image, [1, 3, size, size]),
    click_maps: new ort.Tensor('float32', clicks, [1, 3, size, size]),
  };
}

function parseEvents(text) {
  return JSON.parse(text.slice(text.indexOf('['), text.lastIndexOf(']') + 1));
}

const product = (shape) => shape.reduce((p, q) => p * q, 1);
const shapes = (list) => (list ?? []).map((entry) => Object.values(entry)[0]);

/**
 * Multiply-adds x 2 of the GEMM-like kernels, from the shapes onnxruntime records (not ConvTranspose: its profile
 * leaves the pre-packed weight out of the input shapes).
 */
function flops(event) {
  const op = event.args.op_name;
  const inputs = shapes(event.args.input_type_shape);
  const outputs = shapes(event.args.output_type_shape);
  if (op === 'MatMul' || op === 'FusedMatMul' || op === 'Gemm') return 2 * product(outputs[0]) * inputs[0].at(-1);
  if (op === 'Conv' || op === 'FusedConv') return 2 * product(outputs[0]) * product(inputs[1].slice(1));
  return 0;
}

/** ms per run, node count and FLOPs per operator type, over the runs after the first. */
function summarise(events) {
  const timed = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(1);
  const perOp = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    if (!timed.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur)) continue;
    const entry = perOp.get(e.args.op_name) ?? { ms: 0, nodes: 0, flops: 0 };
    entry.ms += e.dur / 1000 / timed.length;
    entry.nodes += 1 / timed.length;
    entry.flops += flops(e) / timed.length;
    perOp.set(e.args.op_name, entry);
  }
  const runMs = timed.map((r) => r.dur / 1000).sort((a, b) => a - b);
  return { perOp, runMs: runMs[Math.floor(runMs.length / 2)] };
}

const size = 320;
const loadBefore = loadavg().map((l) => l.toFixed(1));

// onnxruntime-web (WASM) writes its profile to stdout (`endProfiling`): run it in a child process and read that.
if (args.includes('--wasm-child')) {
  web.env.wasm.numThreads = threads;
  const session = await web.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    enableProfiling: true,
  });
  const webFeeds = feeds(web, size);
  for (let i = 0; i < runs + 1; i++) await session.run(webFeeds);
  session.endProfiling();
  await session.release();
  process.exit(0);
}
const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args, '--wasm-child'], {
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (child.status !== 0) throw new Error(`the WASM profile failed: ${child.stderr}`);
const wasm = summarise(parseEvents(child.stdout));

// onnxruntime-node (CPU), spinning off as createNodeModel sets it.
const folder = mkdtempSync(join(tmpdir(), 'simpleclick-profile-'));
const nativeSession = await native.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  enableProfiling: true,
  profileFilePrefix: join(folder, 'profile'),
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const nativeFeeds = feeds(native, size);
for (let i = 0; i < runs + 1; i++) await nativeSession.run(nativeFeeds);
nativeSession.endProfiling();
await nativeSession.release();
const file = readdirSync(folder).find((name) => name.endsWith('.json'));
const cpu = summarise(parseEvents(readFileSync(join(folder, file), 'utf8')));
rmSync(folder, { recursive: true, force: true });

const ops = [...new Set([...wasm.perOp.keys(), ...cpu.perOp.keys()])].sort(
  (a, b) => (wasm.perOp.get(b)?.ms ?? 0) - (wasm.perOp.get(a)?.ms ?? 0),
);
const total = (summary) => [...summary.perOp.values()].reduce((sum, e) => sum + e.ms, 0);
const wasmTotal = total(wasm);
const cpuTotal = total(cpu);
const cell = (value, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));
const lines = [
  `per-operator profile, ${new Date().toISOString()}: ${modelPath.split('/').pop()}, batch 1, ${threads} thread(s), ` +
    `${runs} runs after 1, ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, onnxruntime-web ` +
    `and onnxruntime-node ${native.env.versions?.common ?? ''}`,
  `load average ${loadBefore.join(' ')} before, ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} after; model_run median: WASM ${wasm.runMs.toFixed(1)} ms, native ${cpu.runMs.toFixed(1)} ms ` +
    `(${(wasm.runMs / cpu.runMs).toFixed(1)}x); kernels summed: WASM ${wasmTotal.toFixed(1)} ms, native ${cpuTotal.toFixed(1)} ms`,
  '',
  '| operator | nodes (WASM / native) | WASM ms | WASM share | native ms | native share | WASM / native | WASM GFLOP/s | native GFLOP/s |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const op of ops) {
  const w = wasm.perOp.get(op);
  const c = cpu.perOp.get(op);
  const rate = (e) => (e !== undefined && e.flops > 0 ? (e.flops / e.ms / 1e6).toFixed(1) : '');
  lines.push(
    `| ${op} | ${cell(w?.nodes, 0)} / ${cell(c?.nodes, 0)} | ${cell(w?.ms)} | ${w ? ((100 * w.ms) / wasmTotal).toFixed(1) : '-'}% | ` +
      `${cell(c?.ms, 2)} | ${c ? ((100 * c.ms) / cpuTotal).toFixed(1) : '-'}% | ` +
      `${w && c ? `${(w.ms / c.ms).toFixed(1)}x` : '-'} | ${rate(w)} | ${rate(c)} |`,
  );
}
const gflop = (summary) => [...summary.perOp.values()].reduce((sum, e) => sum + e.flops, 0) / 1e9;
lines.push(
  '',
  `GEMM-like work per run: ${gflop(wasm).toFixed(2)} GFLOP (WASM graph), ${gflop(cpu).toFixed(2)} GFLOP (native graph)`,
);
console.log(lines.join('\n'));
