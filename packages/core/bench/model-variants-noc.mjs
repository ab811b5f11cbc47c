#!/usr/bin/env node
// NoC of a model's weight variants against its fp32 file, with the project's evaluator (the CLI's `eval`, the
// official protocol) on onnxruntime-node, one evaluation at a time with one thread, and the verdict of the bar
// for a faster variant: NoC@85 and NoC@90 within 0.1 click of the baseline's on every dataset (the rule
// python/simpleclick/training/finish.py applies to fp16 files). Issue 12, item 3. From the repository root:
//
//   node packages/core/bench/model-variants-noc.mjs [--preset parity|interactive] [--datasets GrabCut,Berkeley]
//        [--data DIR] [--out DIR] [--tolerance 0.1] [--cli packages/cli/dist/cli.mjs] label=model.onnx ...
//
// The first label=model pair is the baseline (fp32). --data defaults to $SIMPLECLICK_DATA (the folder holding the
// research datasets); --out (default build/model-variants-noc/<preset>) keeps each run's results JSON and output,
// and a run whose JSON is already there is not repeated (delete it to rerun). Prints a Markdown table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const preset = option('preset', 'parity');
const datasets = option('datasets', 'GrabCut,Berkeley').split(',');
const data = option('data', process.env.SIMPLECLICK_DATA);
const out = resolve(option('out', join('build', 'model-variants-noc', preset)));
const tolerance = Number(option('tolerance', '0.1'));
const cli = option('cli', 'packages/cli/dist/cli.mjs');
const models = args.map((entry) => {
  const at = entry.indexOf('=');
  if (at <= 0) throw new Error(`expected label=model.onnx, got ${entry}`);
  return { label: entry.slice(0, at), path: resolve(entry.slice(at + 1)) };
});
if (models.length < 2 || !data) {
  console.error(
    'usage: model-variants-noc.mjs [--data DIR | $SIMPLECLICK_DATA] [--preset P] fp32=a.onnx int8=b.onnx ...',
  );
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const results = new Map();
for (const dataset of datasets) {
  for (const model of models) {
    const json = join(out, `${dataset}-${model.label}.json`);
    if (!existsSync(json)) {
      const started = Date.now();
      const load = loadavg()[0].toFixed(1);
      const run = spawnSync(
        process.execPath,
        [
          cli,
          'eval',
          '--dataset',
          join(data, dataset),
          '--model',
          model.path,
          '--preset',
          preset,
          '--threads',
          '1',
          '--no-progress',
          '--out',
          json,
        ],
        { encoding: 'utf8' },
      );
      writeFileSync(join(out, `${dataset}-${model.label}.txt`), `${run.stdout}${run.stderr}`);
      if (run.status !== 0)
        throw new Error(`eval of ${model.label} on ${dataset} failed: ${run.stderr.trim().split('\n').pop()}`);
      console.error(
        `${dataset} ${model.label}: ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${load} -> ${loadavg()[0].toFixed(1)}`,
      );
    }
    results.set(`${dataset}/${model.label}`, JSON.parse(readFileSync(json, 'utf8')).summary);
  }
}

const fmt = (value) => value.toFixed(2);
const lines = [
  `NoC, ${preset} preset, onnxruntime-node, 1 thread; baseline ${models[0].label}; bar: NoC@85/90 within ${tolerance} click`,
  '',
  `| weights | ${datasets.map((d) => `${d} NoC@80 / 85 / 90 | NoF@90`).join(' | ')} | worst NoC@85/90 change | within the bar |`,
  `|---|${datasets.map(() => '---|---:|').join('')}---:|---|`,
];
for (const model of models) {
  let worst = 0;
  const cells = datasets.map((dataset) => {
    const summary = results.get(`${dataset}/${model.label}`);
    const base = results.get(`${dataset}/${models[0].label}`);
    for (const k of [1, 2]) worst = Math.max(worst, Math.abs(summary.nocMean[k] - base.nocMean[k]));
    return `${summary.nocMean.map(fmt).join(' / ')} | ${summary.nof[2]}`;
  });
  const verdict = model === models[0] ? 'baseline' : worst <= tolerance + 1e-9 ? 'yes' : 'no';
  lines.push(`| ${model.label} | ${cells.join(' | ')} | ${fmt(worst)} | ${verdict} |`);
}
console.log(lines.join('\n'));
