import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { CliIo } from '../cli-io';
import { convertCheckpoint, type ExternalDataMode } from '../convert/convert-checkpoint';

interface ConvertCommandOptions {
  out: string;
  size: string;
  fp16?: boolean;
  trainingData?: string;
  externalData: ExternalDataMode;
  templates?: string[];
  verbose?: boolean;
  quiet?: boolean;
}

/** Adds `convert` to the program. */
export function addConvertCommand(program: Command, io: CliIo): void {
  program
    .command('convert')
    .summary('official SimpleClick checkpoint (.pth) -> ONNX model, without Python')
    .description(
      "Converts a SimpleClick checkpoint (the authors' sbd_vit_*.pth / cocolvis_vit_*.pth, or one saved by this " +
        "project's toolchain) into the ONNX model the SDK runs: the same file as the Python exporter " +
        "(python3 -m simpleclick export), byte for byte. The checkpoint's pickle is read without executing anything; " +
        'pickled classes other than tensors and containers are ignored.',
    )
    .argument('<checkpoint.pth>', 'the checkpoint file')
    .requiredOption('-o, --out <model.onnx>', 'output ONNX file (written atomically)')
    .addOption(new Option('--size <px>', 'static input size S').choices(['448', '672']).default('448'))
    .option('--fp16', 'store the weights as float16 (half the file; computation stays float32)')
    .option(
      '--training-data <text>',
      "training data for the metadata (default: the checkpoint's own record, else guessed from an official file name and marked so)",
    )
    .addOption(
      new Option(
        '--external-data <mode>',
        'ONNX external data <model.onnx>.data (auto: only above 1.8 GB of weights, i.e. ViT-H fp32)',
      )
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .option('--templates <dir>', 'also look for graph templates in this folder (custom layouts; repeatable)', collect)
    .option('-v, --verbose', 'progress lines on stderr')
    .option('-q, --quiet', 'no summary line')
    .action(async (checkpoint: string, options: ConvertCommandOptions) => {
      const result = await convertCheckpoint({
        checkpointPath: resolve(io.cwd, checkpoint),
        outPath: resolve(io.cwd, options.out),
        sizePx: Number(options.size),
        fp16: options.fp16 === true,
        ...(options.trainingData !== undefined ? { trainingData: options.trainingData } : {}),
        externalData: options.externalData,
        templateDirectories: (options.templates ?? []).map((dir) => resolve(io.cwd, dir)),
        ...(options.verbose ? { log: (line: string) => io.stderr.write(`${line}\n`) } : {}),
      });
      if (result.inertGlobals.length > 0 && options.verbose) {
        io.stderr.write(`ignored pickled names (not imported, not run): ${result.inertGlobals.join(', ')}\n`);
      }
      if (!options.quiet) {
        const trained = result.provenance.trained === null ? 'not stated' : String(result.provenance.trained);
        io.stderr.write(
          `converted ${checkpoint} -> ${options.out}${result.dataPath ? ` + ${options.out}.data` : ''} ` +
            `(${(result.bytes / 1e6).toFixed(1)} MB, variant ${result.variant}, S=${result.sizePx}, weights ${result.weightsDtype}; ` +
            `layout from ${result.configSource}; trained ${trained} (${result.provenance.trainedBasis}), ` +
            `training data ${result.provenance.trainingData}) in ${result.seconds.toFixed(1)} s\n`,
        );
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
