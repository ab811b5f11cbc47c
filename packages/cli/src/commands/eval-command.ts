import { basename } from 'node:path';
import {
  evaluateDataset,
  formatResultsTable,
  OFFICIAL_MAX_CLICKS,
  stringifyEvaluationResult,
  type EvaluationResult,
  type ObjectResult,
} from '@simpleclick/core/eval';
import { type PredictorPreset } from '@simpleclick/core';
import { DEFAULT_DECODE_IMAGE_OPTIONS } from '@simpleclick/core/node';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io';
import {
  DATASET_LAYOUTS,
  detectLayout,
  limitDataset,
  openEvalDataset,
  resolveDatasetDirectory,
  type DatasetLayout,
} from '../datasets/open-eval-dataset';
import { describeModel, loadPredictor } from '../models/load-predictor';
import { resolveModel } from '../models/resolve-model';
import { parseBoundaryRefinement, type BoundaryRefinementArg } from '../options/parse-boundary-refinement';
import { integerAtLeast, pixelLimit } from '../options/parse-number';
import { withPixelLimitHint } from '../options/pixel-limit-hint';
import { miouCurveOf, renderMiouPlotSvg } from '../plot/miou-plot';
import { svgToPng } from '../plot/svg-to-png';
import { ProgressBar } from '../progress/progress-bar';
import { writeResult } from './write-output';

/** What `simpleclick eval` was asked to do. */
export interface EvalArgs {
  readonly dataset: string;
  readonly layout?: DatasetLayout;
  readonly model?: string;
  readonly preset: PredictorPreset;
  readonly maxClicks: number;
  readonly earlyStop: boolean;
  readonly out?: string;
  readonly plot?: string;
  readonly limit?: number;
  readonly threads?: number;
  /** Show the progress bar (default: yes). */
  readonly progress: boolean;
  /** The command line, recorded in the results JSON. */
  readonly commandLine: string;
  /** Largest image accepted, in pixels (Infinity: no limit). */
  readonly maxPixels?: number;
  /** Boundary refinement of the probabilities (default: the preset's). */
  readonly boundaryRefinement?: BoundaryRefinementArg;
}

/** Clicks at which the summary reports mIoU. */
const MIOU_REPORT_CLICKS = [1, 3, 5] as const;

/** Adds `eval` to the program. */
export function addEvalCommand(program: Command, io: CliIo, argv: readonly string[]): void {
  program
    .command('eval')
    .summary('automatic NoC evaluation on a benchmark or your own image folder')
    .description(
      'The official SimpleClick automatic evaluation: for each object a simulated user clicks the largest error region ' +
        'until IoU >= 0.90 or --max-clicks; prints the results table (NoC@80/85/90, NoF@85/90, SPC) and mIoU after ' +
        'clicks 1, 3 and 5, and writes per-object results and the mIoU-per-click plot if asked.',
    )
    .requiredOption('-d, --dataset <dir>', 'dataset folder (or a benchmark name under $SIMPLECLICK_DATA)')
    .addOption(
      new Option('--layout <layout>', 'folder layout (default: from the folder name or its sub-folders)').choices([
        ...DATASET_LAYOUTS,
      ]),
    )
    .option('-m, --model <file.onnx>', 'SimpleClick ONNX model (default: the embedded default model)')
    .addOption(
      new Option('--preset <name>', 'predictor settings (parity = the official evaluation: flip averaging on)')
        .choices(['parity', 'interactive'])
        .default('parity'),
    )
    .option('--max-clicks <n>', 'clicks per object at most', integerAtLeast(1), OFFICIAL_MAX_CLICKS)
    .option('--no-early-stop', 'click all --max-clicks times on every object (needed for full mIoU curves)')
    .option('-o, --out <results.json>', 'write per-object results (clicks, IoU per click, NoC) as JSON')
    .option('--plot <file>', 'draw the mIoU-per-click curve: an SVG when <file> ends in .svg, else a PNG')
    .option('--limit <n>', 'evaluate only the first <n> objects', integerAtLeast(1))
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', integerAtLeast(1))
    .option(
      '--boundary-refinement <spec>',
      "guided-filter refinement of the probabilities inside the zoom-in crop: on, off, or r=<px>,eps=<x>,guide=rgb|gray,s=<subsampling> (default: the preset's: on in interactive, off in parity)",
      parseBoundaryRefinement,
    )
    .option('--no-progress', 'no progress bar on stderr')
    .option(
      '--max-pixels <n>',
      `largest image accepted, width x height ("none": no limit; default ${DEFAULT_DECODE_IMAGE_OPTIONS.maxPixels})`,
      pixelLimit,
    )
    .action(async (options: Record<string, unknown>) => {
      await runEval(
        {
          dataset: options.dataset as string,
          layout: options.layout as DatasetLayout | undefined,
          model: options.model as string | undefined,
          preset: options.preset as PredictorPreset,
          maxClicks: options.maxClicks as number,
          earlyStop: options.earlyStop as boolean,
          out: options.out as string | undefined,
          plot: options.plot as string | undefined,
          limit: options.limit as number | undefined,
          threads: options.threads as number | undefined,
          progress: options.progress as boolean,
          commandLine: ['simpleclick', ...argv].join(' '),
          maxPixels: options.maxPixels as number | undefined,
          boundaryRefinement: options.boundaryRefinement as BoundaryRefinementArg | undefined,
        },
        io,
      );
    });
}

/** `simpleclick eval`. Throws CommandError or the SDK's typed errors. */
async function runEval(args: EvalArgs, io: CliIo): Promise<EvaluationResult> {
  const directory = resolveDatasetDirectory(args.dataset, io.cwd, io.env);
  const layout = args.layout ?? detectLayout(directory);
  const decode = args.maxPixels === undefined ? {} : { maxPixels: args.maxPixels };
  const dataset = limitDataset(await openEvalDataset(directory, layout, decode), args.limit);
  const model = await resolveModel(args.model, io.cwd, io.env);
  const overrides = args.boundaryRefinement === undefined ? {} : { boundaryRefinement: args.boundaryRefinement };
  const loaded = await loadPredictor(model, { preset: args.preset, threads: args.threads, overrides }, io.stderr);
  io.stderr.write(
    `eval: ${dataset.name} (${layout} layout, ${dataset.count} objects), ${model.displayName} (${describeModel(loaded.metadata)}), ` +
      `${args.preset} preset${describeRefinement(loaded.predictor.options.boundaryRefinement)}, max ${args.maxClicks} clicks` +
      `${args.earlyStop ? ', early stop at IoU 0.90' : ', no early stop'}\n`,
  );

  const progress = args.progress
    ? new ProgressBar(io.stderr, { interactive: io.stderrIsTerminal, label: dataset.name })
    : undefined;
  const finished: ObjectResult[] = [];
  const startMs = performance.now();
  let result: EvaluationResult;
  try {
    result = await evaluateDataset(dataset, loaded.predictor, {
      maskThreshold: loaded.predictor.options.maskThreshold,
      maxClicks: args.maxClicks,
      earlyStop: args.earlyStop,
      datasetName: dataset.name,
      onObject: (object) => {
        finished.push(object);
        progress?.update({
          done: finished.length,
          total: dataset.count,
          detail: runningNocDetail(finished),
          elapsedSeconds: (performance.now() - startMs) / 1000,
        });
      },
    });
  } catch (error) {
    throw withPixelLimitHint(error);
  } finally {
    progress?.finish();
    await loaded.predictor.close();
  }

  io.stdout.write(`${formatResultsTable(result, { modelName: basename(model.path) })}\n`);
  io.stdout.write(`${formatMiouSummary(result)}\n`);

  if (args.out !== undefined) {
    const text = stringifyEvaluationResult(result, {
      model: basename(model.path),
      predictor: { preset: args.preset, ...loaded.predictor.options, netSizePx: loaded.predictor.netSizePx },
      command: args.commandLine,
    });
    await writeResult(text, args.out, io);
    io.stderr.write(`wrote per-object results to ${args.out}\n`);
  }
  if (args.plot !== undefined) {
    if (result.summary.meanIouPerClick.length < args.maxClicks) {
      io.stderr.write(
        `note: with early stop the curve ends at click ${result.summary.meanIouPerClick.length} (the shortest run); use --no-early-stop for the full curve\n`,
      );
    }
    // The title must fit the image at the plot's text size; the model goes in the legend.
    const curveLabel = `${basename(model.path).replace(/\.onnx$/i, '')} (${args.preset})`;
    const svg = renderMiouPlotSvg([miouCurveOf(result, curveLabel)], {
      title: `${result.datasetName}: mIoU per click`,
    });
    await writeResult(/\.svg$/i.test(args.plot) ? svg : await svgToPng(svg), args.plot, io);
    io.stderr.write(`wrote the mIoU-per-click plot to ${args.plot}\n`);
  }
  return result;
}

/** `, boundary refinement r=12 eps=0.0001 rgb s=1`, or nothing when it is off. */
function describeRefinement(
  refinement: { radiusPx: number; eps: number; guide: string; subsample?: number } | undefined,
): string {
  if (refinement === undefined) return '';
  return `, boundary refinement r=${refinement.radiusPx} eps=${refinement.eps} ${refinement.guide} s=${refinement.subsample ?? 1}`;
}

/** `mean NoC@90 1.84` over the objects finished so far (the last threshold of the protocol). */
function runningNocDetail(objects: readonly ObjectResult[]): string {
  const last = objects[0].noc.length - 1;
  const mean = objects.reduce((sum, object) => sum + object.noc[last], 0) / objects.length;
  return `mean NoC@90 ${mean.toFixed(2)}`;
}

/**
 * `mIoU@1=85.12%  mIoU@3=91.40%  mIoU@5=93.02%`. The curve of an early-stopped run is cut to its shortest
 * object run (as in the official `--print-ious`), so later clicks read `n/a` there.
 */
export function formatMiouSummary(result: EvaluationResult): string {
  const curve = result.summary.meanIouPerClick;
  const cells = MIOU_REPORT_CLICKS.map((click) => {
    const value = curve[click - 1];
    return `mIoU@${click}=${value === undefined ? 'n/a' : Number.isNaN(value) ? 'nan' : `${(value * 100).toFixed(2)}%`}`;
  });
  const missing = MIOU_REPORT_CLICKS.some((click) => curve[click - 1] === undefined);
  const why =
    missing && result.protocol.earlyStop
      ? '  (n/a: early stop ended some runs sooner; use --no-early-stop)'
      : missing
        ? `  (n/a: only ${curve.length} clicks per object)`
        : '';
  return `${cells.join('  ')}${why}`;
}
