import { basename, resolve } from 'node:path';
import {
  cleanUpMask,
  DEFAULT_MASK_THRESHOLD,
  type BinaryMask,
  type Click,
  type ObjectState,
  type PredictionResult,
  type PredictorPreset,
} from '@simpleclick/core';
import { DEFAULT_LABEL_STUDIO_NAMES, type LabelStudioResultType } from '@simpleclick/core/formats';
import { DEFAULT_DECODE_IMAGE_OPTIONS, decodeImageFile } from '@simpleclick/core/node';
import { Command, Option } from 'commander';
import { CommandError, UsageError } from '../cli-errors';
import type { CliIo } from '../cli-io';
import { describeModel, loadPredictor } from '../models/load-predictor';
import { resolveModel } from '../models/resolve-model';
import { checkClicksInside, checkFirstClickPositive } from '../options/check-clicks';
import { checkOutputIsNotInput } from '../options/check-output-path';
import { collectClick } from '../options/parse-click';
import { areaPx, integerAtLeast, numberInRange, pixelLimit } from '../options/parse-number';
import { withPixelLimitHint } from '../options/pixel-limit-hint';
import { encodeMaskOutput, isTextFormat, MASK_FORMATS, usesPolygons, type MaskFormat } from '../output/mask-output';
import { writeResult } from './write-output';

/** What `simpleclick segment` was asked to do (the parsed command line). */
export interface SegmentArgs {
  readonly imagePath: string;
  /** In command-line order; each is one more click on the same object. */
  readonly clicks: readonly Click[];
  readonly model?: string;
  readonly preset: PredictorPreset;
  readonly format: MaskFormat;
  readonly out?: string;
  /** Mask threshold on the probabilities; default: the preset's (0.49). */
  readonly threshold?: number;
  readonly keepClickedComponents: boolean;
  readonly fillHolesPx: number;
  readonly removeIslandsPx: number;
  readonly maxVertices?: number;
  readonly epsilonPx?: number;
  readonly labelStudioType: LabelStudioResultType;
  readonly label: string;
  readonly fromName: string;
  readonly toName: string;
  readonly threads?: number;
  readonly quiet: boolean;
  /** Largest image accepted, in pixels (Infinity: no limit). */
  readonly maxPixels: number;
  /** Allow `--out` to be the input image. */
  readonly force: boolean;
}

/** Adds `segment` to the program. */
export function addSegmentCommand(program: Command, io: CliIo): void {
  program
    .command('segment')
    .summary('segment one object of an image from clicks and write the mask')
    .description(
      'Runs the clicks in order through the SimpleClick predictor (each click refines the previous mask), cleans the mask ' +
        'up if asked, and writes it in the chosen format to --out or stdout.',
    )
    .argument('<image>', 'image file (JPEG, PNG, TIFF, WebP or BMP)')
    .requiredOption(
      '-c, --click <x,y[,neg]>',
      'a click in image pixels (x = column, y = row, 0,0 = top-left pixel); add ",neg" for a negative click; repeat in order',
      collectClick,
    )
    .option('-m, --model <file.onnx>', 'SimpleClick ONNX model (default: the embedded default model)')
    .addOption(
      new Option('--preset <name>', 'predictor settings: interactive (flip off) or parity (official evaluation)')
        .choices(['interactive', 'parity'])
        .default('interactive'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices([...MASK_FORMATS]).default('png'))
    .option('-o, --out <file>', 'output file (default: stdout); written atomically (temporary file, then rename)')
    .option('--force', 'allow --out to be the input image itself (replacing the photo with the mask)')
    .option(
      '--max-pixels <n>',
      `largest image accepted, width x height ("none": no limit; default ${DEFAULT_DECODE_IMAGE_OPTIONS.maxPixels})`,
      pixelLimit,
      DEFAULT_DECODE_IMAGE_OPTIONS.maxPixels,
    )
    .option(
      '--threshold <p>',
      `mask = probability > p (default ${DEFAULT_MASK_THRESHOLD}, as the official evaluation)`,
      numberInRange(0, 1),
    )
    .option('--keep-clicked-components', 'keep only the connected components under a positive click')
    .option('--fill-holes <area>', 'fill holes of at most <area> pixels ("all": every hole)', areaPx, 0)
    .option('--remove-islands <area>', 'remove components of at most <area> pixels', areaPx, 0)
    .addOption(
      new Option('--max-vertices <n>', 'polygon formats: at most <n> vertices per polygon (holes included)')
        .argParser(integerAtLeast(3))
        .conflicts('epsilon'),
    )
    .addOption(
      new Option(
        '--epsilon <px>',
        'polygon formats: Douglas-Peucker tolerance in pixels (default 0: exact pixel outline)',
      ).argParser(numberInRange(0, 1e6)),
    )
    .addOption(
      new Option(
        '--ls-type <type>',
        'labelstudio format: brushlabels RLE (brush) or polygonlabels in percent (polygon)',
      ).choices(['brush', 'polygon']),
    )
    .option('--label <name>', 'labelstudio format: the region label', DEFAULT_LABEL_STUDIO_NAMES.label)
    .option('--from-name <name>', 'labelstudio format: the control tag name', DEFAULT_LABEL_STUDIO_NAMES.fromName)
    .option('--to-name <name>', 'labelstudio format: the image tag name', DEFAULT_LABEL_STUDIO_NAMES.toName)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', integerAtLeast(1))
    .option('-q, --quiet', 'no summary line on stderr (warnings still print)')
    .action(async (imagePath: string, options: Record<string, unknown>) => {
      if (options.lsType !== undefined && options.format !== 'labelstudio') {
        throw new UsageError('--ls-type applies only to --format labelstudio');
      }
      const labelStudioType = (options.lsType ?? 'brush') as LabelStudioResultType;
      const format = options.format as MaskFormat;
      if (
        (options.maxVertices !== undefined || options.epsilon !== undefined) &&
        !usesPolygons(format, labelStudioType)
      ) {
        throw new UsageError(
          '--max-vertices and --epsilon apply only to --format polygon and --format labelstudio --ls-type polygon',
        );
      }
      await runSegment(
        {
          imagePath,
          clicks: options.click as Click[],
          model: options.model as string | undefined,
          preset: options.preset as PredictorPreset,
          format,
          out: options.out as string | undefined,
          threshold: options.threshold as number | undefined,
          keepClickedComponents: options.keepClickedComponents === true,
          fillHolesPx: options.fillHoles as number,
          removeIslandsPx: options.removeIslands as number,
          maxVertices: options.maxVertices as number | undefined,
          epsilonPx: options.epsilon as number | undefined,
          labelStudioType,
          label: options.label as string,
          fromName: options.fromName as string,
          toName: options.toName as string,
          threads: options.threads as number | undefined,
          quiet: options.quiet === true,
          maxPixels: options.maxPixels as number,
          force: options.force === true,
        },
        io,
      );
    });
}

/**
 * `simpleclick segment`: decode the image, check the clicks, load the model, predict click by click, clean up,
 * encode, write. Throws UsageError / CommandError / the SDK's typed errors; the caller prints them.
 */
async function runSegment(args: SegmentArgs, io: CliIo): Promise<void> {
  if (args.out === undefined && !isTextFormat(args.format) && io.stdoutIsTerminal) {
    throw new UsageError(`--format ${args.format} writes binary data: give --out FILE or redirect stdout`);
  }
  await checkOutputIsNotInput(args.out, [{ path: args.imagePath, what: 'input image' }], io.cwd, args.force);
  checkFirstClickPositive(args.clicks);
  const image = await decodeImageFile(resolve(io.cwd, args.imagePath), { maxPixels: args.maxPixels }).catch(
    (error: unknown) => Promise.reject(withPixelLimitHint(error)),
  );
  checkClicksInside(args.clicks, image.width, image.height);
  const model = await resolveModel(args.model, io.cwd, io.env);
  const loaded = await loadPredictor(model, { preset: args.preset, threads: args.threads }, io.stderr);
  const { predictor } = loaded;
  const threshold = args.threshold ?? predictor.options.maskThreshold;

  let result: PredictionResult | undefined;
  let state: ObjectState | undefined;
  let modelMs = 0;
  const startMs = performance.now();
  try {
    for (let count = 1; count <= args.clicks.length; count++) {
      result = await predictor.predict(image, args.clicks.slice(0, count), state);
      state = result.state;
      modelMs += result.timing.modelMs;
    }
  } finally {
    await predictor.close();
  }
  const elapsedMs = performance.now() - startMs;
  if (result === undefined) throw new CommandError('no click was given');

  const mask = cleanUpMask(result.toMask(threshold), {
    keep: args.keepClickedComponents ? 'clicked' : 'all',
    clicks: args.clicks,
    removeIslandsMaxAreaPx: args.removeIslandsPx,
    fillHolesMaxAreaPx: args.fillHolesPx,
  });
  const { content, notes } = encodeMaskOutput(mask, {
    format: args.format,
    polygons: { epsilonPx: args.epsilonPx, maxVerticesPerPolygon: args.maxVertices },
    labelStudio: {
      resultType: args.labelStudioType,
      names: { label: args.label, fromName: args.fromName, toName: args.toName },
      modelVersion: basename(model.path).replace(/\.onnx$/i, ''),
      ...(args.format === 'labelstudio' ? { score: meanProbabilityInside(mask, result.probabilities.data) } : {}),
    },
  });
  const destination = await writeResult(content, args.out, io);
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  if (!args.quiet) {
    const areaPx = countForeground(mask);
    const clickCount = args.clicks.length;
    io.stderr.write(
      `segment: ${image.width} x ${image.height} image, ${clickCount} click${clickCount === 1 ? '' : 's'}, ` +
        `${model.displayName} (${describeModel(loaded.metadata)}), ${args.preset} preset: ` +
        `${(elapsedMs / clickCount).toFixed(0)} ms/click (model ${(modelMs / clickCount).toFixed(0)} ms); ` +
        `mask ${areaPx} px (${((100 * areaPx) / (image.width * image.height)).toFixed(1)} %) -> ${destination} (${args.format})\n`,
    );
  }
}

function countForeground(mask: BinaryMask): number {
  let count = 0;
  for (let i = 0; i < mask.data.length; i++) count += mask.data[i] !== 0 ? 1 : 0;
  return count;
}

/** Mean object probability over the mask's pixels (0 for an empty mask): the `score` of a Label Studio prediction. */
function meanProbabilityInside(mask: BinaryMask, probabilities: Float32Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (mask.data[i] !== 0) {
      sum += probabilities[i];
      count++;
    }
  }
  return count === 0 ? 0 : Math.round((sum / count) * 1e4) / 1e4;
}
