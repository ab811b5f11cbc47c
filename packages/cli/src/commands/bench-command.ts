import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename, resolve } from 'node:path';
import {
  computeIou,
  type BinaryMask,
  type Click,
  type ObjectState,
  type PredictorPreset,
  type RgbImage,
} from '@simpleclick/core';
import { decodeImageFile } from '@simpleclick/core/node';
import { Command, Option } from 'commander';
import { env as onnxRuntimeEnv } from 'onnxruntime-node';
import { CommandError } from '../cli-errors';
import type { CliIo } from '../cli-io';
import { runPythonReference, type PythonBenchReport } from '../bench/python-reference';
import { benchClicks, createSyntheticImage } from '../bench/synthetic-image';
import { predictorTimings, type PredictorTimings } from '../bench/timing-stats';
import { describeModel, loadPredictor } from '../models/load-predictor';
import { findPythonToolchainDirectory } from '../models/repository-paths';
import { resolveModel } from '../models/resolve-model';
import { integerAtLeast } from '../options/parse-number';
import { parseBoundaryRefinement, type BoundaryRefinementArg } from '../options/parse-boundary-refinement';
import { checkClicksInside } from '../options/check-clicks';

/** What `simpleclick bench` was asked to do. */
export interface BenchArgs {
  readonly image?: string;
  readonly model?: string;
  readonly clicks: number;
  readonly rounds: number;
  readonly threads: number;
  readonly preset: PredictorPreset;
  /** Boundary refinement of the probabilities (default: the preset's). */
  readonly boundaryRefinement?: BoundaryRefinementArg;
  readonly reference: boolean;
  readonly python: string;
  readonly json: boolean;
}

/** Goal for the share of per-click time spent outside the model on a 2-megapixel image. */
const OUTSIDE_MODEL_SHARE_GOAL = 0.05;
/** Images of at least this many pixels are held to the goal (1920 x 1080 is 2.07 MP). */
const GOAL_MIN_PIXELS = 1_900_000;
/** The reference is stopped after this long. */
const PYTHON_TIMEOUT_SECONDS = 1200;

/** Adds `bench` to the program. */
export function addBenchCommand(program: Command, io: CliIo): void {
  program
    .command('bench')
    .summary('per-click time of the TypeScript predictor vs the PyTorch reference, side by side')
    .description(
      'Times the same clicks on the same image and model with the TypeScript predictor (onnxruntime-node) and the ' +
        'PyTorch reference predictor (python/simpleclick, weights read from the same ONNX file), with the same thread ' +
        'count, and reports their ratio and the share of the TypeScript per-click time spent outside the model ' +
        `(goal < ${OUTSIDE_MODEL_SHARE_GOAL * 100} % on a 2-megapixel image). Default image: a synthetic 1920 x 1080 picture.`,
    )
    .option('--image <file>', 'image to use (default: a synthetic 1920 x 1080 image)')
    .option('-m, --model <file.onnx>', 'SimpleClick ONNX model (default: the embedded default model)')
    .option('--clicks <n>', 'clicks per round', integerAtLeast(1), 5)
    .option('--rounds <n>', 'click sequences timed on each side (after one warm-up click)', integerAtLeast(1), 3)
    .option(
      '--threads <n>',
      'onnxruntime intra-op threads = torch.set_num_threads',
      integerAtLeast(1),
      availableParallelism(),
    )
    .addOption(
      new Option('--preset <name>', 'predictor settings: interactive (flip off) or parity (flip on)')
        .choices(['interactive', 'parity'])
        .default('interactive'),
    )
    .option(
      '--boundary-refinement <spec>',
      "on, off, or r=<px>,eps=<x>,guide=rgb|gray,s=<subsampling> (default: the preset's; the PyTorch reference has none)",
      parseBoundaryRefinement,
    )
    .option('--no-reference', 'time only the TypeScript predictor')
    .option('--python <path>', 'Python interpreter with torch', io.env.SIMPLECLICK_PYTHON ?? '/usr/bin/python3')
    .option('--json', 'print the numbers as JSON instead of a table')
    .action(async (options: Record<string, unknown>) => {
      await runBench(
        {
          image: options.image as string | undefined,
          model: options.model as string | undefined,
          clicks: options.clicks as number,
          rounds: options.rounds as number,
          threads: options.threads as number,
          preset: options.preset as PredictorPreset,
          boundaryRefinement: options.boundaryRefinement as BoundaryRefinementArg | undefined,
          reference: options.reference as boolean,
          python: options.python as string,
          json: options.json === true,
        },
        io,
      );
    });
}

/** Numbers of one bench run (what `--json` prints). */
export interface BenchReport {
  readonly image: { readonly source: string; readonly width: number; readonly height: number };
  readonly model: { readonly file: string; readonly description: string };
  readonly preset: PredictorPreset;
  /** Whether the TypeScript predictor refined boundaries (the PyTorch reference never does). */
  readonly boundaryRefinement: boolean;
  readonly clicks: readonly Click[];
  readonly rounds: number;
  readonly threads: number;
  readonly machine: string;
  readonly typescript: PredictorTimings & { readonly runtime: string };
  readonly pytorch?: PredictorTimings & { readonly runtime: string };
  /** PyTorch mean per-click time / TypeScript mean per-click time. */
  readonly speedup?: number;
  /** IoU of the two final masks (same clicks, same weights; not comparable with boundary refinement on). */
  readonly finalMaskIou?: number;
  /**
   * The zoom-in ROIs of the timed TypeScript clicks: mean size in pixels and how many were the whole image. Time
   * outside the model grows with the ROI (crop, resize back, paste), so this says which case was measured.
   */
  readonly roi: { readonly meanPixels: number; readonly wholeImageCount: number; readonly clickCount: number };
}

/** `simpleclick bench`. */
async function runBench(args: BenchArgs, io: CliIo): Promise<BenchReport> {
  const image: RgbImage =
    args.image === undefined ? createSyntheticImage() : await decodeImageFile(resolve(io.cwd, args.image));
  const clicks = benchClicks(image.width, image.height, args.clicks);
  checkClicksInside(clicks, image.width, image.height);
  const model = await resolveModel(args.model, io.cwd, io.env);
  const toolchain = args.reference ? findPythonToolchainDirectory(io.env, io.cwd) : undefined;
  if (args.reference && toolchain === undefined) {
    throw new CommandError(
      'the Python toolchain (python/simpleclick) was not found: set SIMPLECLICK_PYTHON_DIR or pass --no-reference',
    );
  }
  const overrides = args.boundaryRefinement === undefined ? {} : { boundaryRefinement: args.boundaryRefinement };
  const loaded = await loadPredictor(model, { preset: args.preset, threads: args.threads, overrides }, io.stderr);
  const { predictor } = loaded;
  const threshold = predictor.options.maskThreshold;
  const imageSource = args.image ?? `synthetic ${image.width} x ${image.height}`;
  const [loadAverage] = loadavg();
  if (loadAverage > cpus().length - 0.5) {
    io.stderr.write(
      `warning: the machine is busy (load average ${loadAverage.toFixed(1)} on ${cpus().length} cores): timings will be noisy, ` +
        'and PyTorch with more than one thread slows down sharply when its threads compete (try --threads 1)\n',
    );
  }
  io.stderr.write(
    `bench: ${imageSource}, ${clicks.length} clicks x ${args.rounds} rounds, ${model.displayName} (${describeModel(loaded.metadata)}), ` +
      `${args.preset} preset, ${args.threads} threads\n`,
  );

  // TypeScript: one warm-up click, then the rounds; each round is a fresh object clicked in order.
  const totalsMs: number[] = [];
  const modelMs: number[] = [];
  const refinementMs: number[] = [];
  const roiPixels: number[] = [];
  let typescriptMask: BinaryMask | undefined;
  try {
    await predictor.predict(image, clicks.slice(0, 1));
    for (let round = 0; round < args.rounds; round++) {
      let state: ObjectState | undefined;
      for (let count = 1; count <= clicks.length; count++) {
        const startMs = performance.now();
        const result = await predictor.predict(image, clicks.slice(0, count), state);
        typescriptMask = result.toMask(threshold);
        totalsMs.push(performance.now() - startMs);
        modelMs.push(result.timing.modelMs);
        refinementMs.push(result.timing.refinementMs);
        const { rowMin, rowMax, colMin, colMax } = result.roi;
        roiPixels.push((rowMax - rowMin + 1) * (colMax - colMin + 1));
        state = result.state;
      }
    }
  } finally {
    await predictor.close();
  }
  const typescript = {
    ...predictorTimings(totalsMs, modelMs, refinementMs),
    runtime: `onnxruntime-node ${onnxRuntimeEnv.versions?.node ?? '?'} (${loaded.executionProviders.join(', ')})`,
  };

  let pytorch: (PredictorTimings & { runtime: string }) | undefined;
  let reference: PythonBenchReport | undefined;
  if (args.reference && toolchain !== undefined) {
    io.stderr.write(`bench: running the PyTorch reference (${args.python} -m simpleclick.bench)...\n`);
    reference = await runPythonReference(image, clicks, {
      python: args.python,
      toolchainDirectory: toolchain,
      modelPath: model.path,
      netSizePx: loaded.metadata.inputSizePx,
      threads: args.threads,
      flip: predictor.options.useFlip,
      threshold,
      rounds: args.rounds,
      timeoutSeconds: PYTHON_TIMEOUT_SECONDS,
    });
    pytorch = {
      ...predictorTimings(reference.perClickMs.flat(), reference.modelMs.flat()),
      runtime: `PyTorch ${reference.torchVersion} (Python ${reference.python}, ${reference.threads} threads)`,
    };
  }

  const report: BenchReport = {
    image: { source: imageSource, width: image.width, height: image.height },
    model: { file: basename(model.path), description: describeModel(loaded.metadata) },
    preset: args.preset,
    boundaryRefinement: predictor.options.boundaryRefinement !== undefined,
    clicks,
    rounds: args.rounds,
    threads: args.threads,
    machine: `${machineDescription()}, load average ${loadAverage.toFixed(1)} at start`,
    typescript,
    ...(pytorch ? { pytorch, speedup: pytorch.perClick.meanMs / typescript.perClick.meanMs } : {}),
    ...(reference && typescriptMask ? { finalMaskIou: computeIou(typescriptMask, reference.finalMask) } : {}),
    roi: {
      meanPixels: roiPixels.reduce((sum, value) => sum + value, 0) / roiPixels.length,
      wholeImageCount: roiPixels.filter((pixels) => pixels === image.width * image.height).length,
      clickCount: roiPixels.length,
    },
  };
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatBenchReport(report));
  return report;
}

/** `2 x Intel(R) Xeon(R) Processor, Node v20.20.2, linux x64`. */
function machineDescription(): string {
  const cpuList = cpus();
  return `${cpuList.length} x ${cpuList[0]?.model?.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** The side-by-side table. */
export function formatBenchReport(report: BenchReport): string {
  const { typescript: ts, pytorch: py } = report;
  const ms = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`;
  const percent = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? '-' : `${(value * 100).toFixed(1)} %`;
  const rows: [string, string, string][] = [
    ['', 'TypeScript', 'PyTorch reference'],
    ['runtime', ts.runtime, py?.runtime ?? '(not run)'],
    ['per click, mean', ms(ts.perClick.meanMs), ms(py?.perClick.meanMs)],
    ['per click, median', ms(ts.perClick.medianMs), ms(py?.perClick.medianMs)],
    ['  in the model, mean', ms(ts.model.meanMs), ms(py?.model.meanMs)],
    ...(report.boundaryRefinement
      ? [
          ['  boundary refinement, mean', ms(ts.refinement.meanMs), '(none)'] as [string, string, string],
          ['  refinement share', percent(ts.refinementShare), '-'] as [string, string, string],
        ]
      : []),
    [
      '  outside the model, mean',
      ms(ts.perClick.meanMs - ts.model.meanMs - ts.refinement.meanMs),
      ms(py ? py.perClick.meanMs - py.model.meanMs : undefined),
    ],
    ['  outside-model share', percent(ts.outsideModelShare), percent(py?.outsideModelShare)],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('   ')
      .trimEnd(),
  );
  const pixels = report.image.width * report.image.height;
  const goal =
    pixels >= GOAL_MIN_PIXELS
      ? `${ts.outsideModelShare < OUTSIDE_MODEL_SHARE_GOAL ? 'met' : 'NOT met'} (goal < ${OUTSIDE_MODEL_SHARE_GOAL * 100} % on a 2-megapixel image)`
      : `(the < ${OUTSIDE_MODEL_SHARE_GOAL * 100} % goal is for 2-megapixel images; this one has ${(pixels / 1e6).toFixed(2)} MP)`;
  const lines = [
    `image     ${report.image.source} (${report.image.width} x ${report.image.height}, ${(pixels / 1e6).toFixed(2)} MP)`,
    `model     ${report.model.file} (${report.model.description}), ${report.preset} preset` +
      (report.boundaryRefinement ? ', boundary refinement on' : ''),
    `clicks    ${report.clicks.length} per round x ${report.rounds} rounds after 1 warm-up click, ${report.threads} threads on each side`,
    `machine   ${report.machine}`,
    '',
    ...table,
    '',
    report.speedup !== undefined
      ? `ratio     PyTorch / TypeScript per-click time = ${report.speedup.toFixed(2)}x`
      : 'ratio     - (the PyTorch reference was not run)',
    `overhead  TypeScript time outside the model${report.boundaryRefinement ? ' and the refinement' : ''}: ${percent(ts.outsideModelShare)} of each click, ${goal}`,
    `roi       zoom-in ROI ${(report.roi.meanPixels / 1e6).toFixed(2)} MP on average; the whole image on ${report.roi.wholeImageCount} of ${report.roi.clickCount} timed clicks` +
      (report.roi.wholeImageCount > 0 ? ' (the worst case: crop, resize back and paste cover every pixel)' : ''),
  ];
  if (report.finalMaskIou !== undefined) {
    const caveat = report.boundaryRefinement
      ? ' (TypeScript refined its boundaries, which the reference does not: use --boundary-refinement off to check agreement)'
      : '';
    lines.push(
      `check     IoU of the two final masks (same clicks, same weights): ${report.finalMaskIou.toFixed(6)}${caveat}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
