// Which model files the variant benchmarks compare (model-variants.bench.ts, browser-model-variants.bench.ts).
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_MODEL_PATH } from '../../../test/support/default-model';

/**
 * `label=path` pairs from SIMPLECLICK_BENCH_MODELS (`label=path,label=path,...`; the first is the baseline every
 * ratio divides by), else the fp32 default model (or SIMPLECLICK_BENCH_MODEL) and whichever of its `-fp16`,
 * `-int8`, `-int8-qdq`, `-int8-pt` siblings exist next to it.
 */
export function benchModels(): { label: string; path: string }[] {
  const given = process.env.SIMPLECLICK_BENCH_MODELS;
  if (given) {
    return given.split(',').map((entry) => {
      const at = entry.indexOf('=');
      return at > 0
        ? { label: entry.slice(0, at), path: entry.slice(at + 1) }
        : { label: basename(entry, '.onnx'), path: entry };
    });
  }
  const fp32 = process.env.SIMPLECLICK_BENCH_MODEL ?? DEFAULT_MODEL_PATH;
  const stem = join(dirname(fp32), basename(fp32, '.onnx'));
  const siblings = [
    { label: 'fp16', path: `${stem}-fp16.onnx` },
    { label: 'int8', path: `${stem}-int8.onnx` },
    { label: 'int8-qdq', path: `${stem}-int8-qdq.onnx` },
    { label: 'int8-pt', path: `${stem}-int8-pt.onnx` },
  ];
  return [{ label: 'fp32', path: fp32 }, ...siblings.filter((s) => existsSync(s.path))];
}
