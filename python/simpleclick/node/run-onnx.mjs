#!/usr/bin/env node
// Runs a SimpleClick ONNX graph once in onnxruntime-node, for the Python exporter's self-check.
//
// Python has no onnxruntime on this platform (Debian ships none), and onnxruntime-node is the runtime the SDK
// uses anyway, so the exporter verifies its graphs here.
//
// Usage:
//   node run-onnx.mjs --model m.onnx --image image.f32 --clicks clicks.f32 --batch B --size S --out logits.f32
// Inputs are raw little-endian float32 NCHW ([B,3,S,S] each); the output is raw float32 logits [B,1,S,S].
// Prints one JSON line: {"outputDims": [...], "runMs": ..., "loadMs": ...}.
// onnxruntime-node is resolved from this file's location (the repo's node_modules) unless
// SIMPLECLICK_ORT_NODE_FROM names another directory to resolve it from.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) throw new Error(`bad argument near ${key}`);
    args[key.slice(2)] = value;
  }
  for (const required of ['model', 'image', 'clicks', 'batch', 'size', 'out']) {
    if (!(required in args)) throw new Error(`missing --${required}`);
  }
  return args;
}

function readFloat32(file, expectedLength) {
  const bytes = readFileSync(file);
  if (bytes.byteLength !== expectedLength * 4) {
    throw new Error(`${file}: expected ${expectedLength * 4} bytes, got ${bytes.byteLength}`);
  }
  // Copy into an aligned buffer (a Node Buffer may start at any byte offset of its pool).
  const out = new Float32Array(expectedLength);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const from = process.env.SIMPLECLICK_ORT_NODE_FROM
    ? path.join(path.resolve(process.env.SIMPLECLICK_ORT_NODE_FROM), 'noop.js')
    : import.meta.url;
  const ort = createRequire(from)('onnxruntime-node');

  const batch = Number(args.batch);
  const size = Number(args.size);
  const count = batch * 3 * size * size;
  const image = new ort.Tensor('float32', readFloat32(args.image, count), [batch, 3, size, size]);
  const clicks = new ort.Tensor('float32', readFloat32(args.clicks, count), [batch, 3, size, size]);

  const loadStart = performance.now();
  const session = await ort.InferenceSession.create(path.resolve(args.model), {
    intraOpNumThreads: Number(process.env.SIMPLECLICK_ORT_THREADS ?? 2),
    graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - loadStart;

  const runStart = performance.now();
  const result = await session.run({ image, click_maps: clicks });
  const runMs = performance.now() - runStart;
  const logits = result.logits;
  const data = logits.data;
  writeFileSync(args.out, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  await session.release();
  process.stdout.write(`${JSON.stringify({ outputDims: logits.dims, runMs, loadMs })}\n`);
}

main().catch((error) => {
  process.stderr.write(`run-onnx: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
