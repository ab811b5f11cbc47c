import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { MODEL_METADATA_KEYS, parseModelMetadata, readOnnxMetadataProps } from '@simpleclick/core/internal';
import { SimpleClickError } from '@simpleclick/core';
import { checkWeightsSha256, createNodeModel, type WeightsChecksum } from '@simpleclick/core/node';
import { readRegularFile } from '@simpleclick/core/internal';
import { Command } from 'commander';
import { CommandError } from '../cli-errors';
import type { CliIo } from '../cli-io';

/** Adds `info` to the program. */
export function addInfoCommand(program: Command, io: CliIo): void {
  program
    .command('info')
    .summary('print the metadata of a SimpleClick ONNX model')
    .description(
      'Prints the SimpleClick metadata_props of the model (variant, input size, training data, version...), its size ' +
        'and sha256, whether its weights match the sha256 recorded in simpleclick.weights_sha256, and checks that ' +
        'onnxruntime-node loads it with the contract inputs and output.',
    )
    .argument('<model.onnx>', 'the model file')
    .option('--json', 'print the facts as one JSON object')
    .option('--no-check', 'do not load the model in onnxruntime-node')
    .action(async (modelPath: string, options: { json?: boolean; check: boolean }) => {
      await runInfo(modelPath, { json: options.json === true, check: options.check }, io);
    });
}

/** `simpleclick info`. Throws CommandError or the SDK's typed errors. */
async function runInfo(modelPath: string, options: { json: boolean; check: boolean }, io: CliIo): Promise<void> {
  const path = resolve(io.cwd, modelPath);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, Number.MAX_SAFE_INTEGER);
  } catch (cause) {
    const code = ((cause as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new CommandError(`model file not found: ${modelPath} (no such file)`, { cause });
    throw new CommandError(`cannot read the model file ${modelPath}: ${(cause as Error).message}`, { cause });
  }
  const props = readOnnxMetadataProps(bytes);
  let contractProblem: string | undefined;
  let metadata;
  try {
    metadata = parseModelMetadata(props);
  } catch (error) {
    if (!(error instanceof SimpleClickError)) throw error;
    contractProblem = error.message;
  }
  const weights = checkWeightsSha256(bytes, props);
  const weightsProblem =
    weights.status === 'mismatch'
      ? `the weights do not match ${MODEL_METADATA_KEYS.weightsSha256} (recorded ${weights.expected}, weights hash to ${weights.actual}): the file is damaged`
      : undefined;
  let runtime: string | undefined;
  if (options.check && contractProblem === undefined && weightsProblem === undefined) {
    const model = await createNodeModel(path);
    runtime = `onnxruntime-node loads it (${model.executionProviders.join(', ')}): inputs image, click_maps [B,3,${model.metadata.inputSizePx},${model.metadata.inputSizePx}], output logits`;
    await model.close();
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ file: modelPath, sizeBytes: bytes.length, sha256, metadata: props, ...(metadata ? { parsed: { ...metadata, raw: undefined } } : {}), weightsSha256: weights, ...(contractProblem ? { contractProblem } : {}), ...(runtime ? { runtime } : {}) }, null, 2)}\n`,
    );
  } else {
    const known = new Set<string>(Object.values(MODEL_METADATA_KEYS));
    const lines = [
      `file            ${modelPath}`,
      `size            ${(bytes.length / 1e6).toFixed(1)} MB (${bytes.length} bytes)`,
      `sha256          ${sha256}`,
      `weights sha256  ${describeWeightsCheck(weights)}`,
    ];
    if (metadata) {
      lines.push(
        `variant         ${metadata.variant}`,
        `input size      ${metadata.inputSizePx} x ${metadata.inputSizePx} px (patch ${metadata.patchSizePx})`,
        `trained         ${metadata.trained === undefined ? 'not stated' : metadata.trained ? 'yes' : 'NO (random weights: masks are meaningless)'}`,
        `training data   ${metadata.trainingData}`,
        `source          ${metadata.source ?? 'not stated'}`,
        `version         ${metadata.version}`,
        `weights dtype   ${metadata.weightsDtype ?? 'not stated'}`,
        `format version  ${metadata.formatVersion}`,
      );
    }
    const others = Object.keys(props)
      .filter((key) => !known.has(key))
      .sort();
    for (const key of others) lines.push(`${key.replace(/^simpleclick\./, '').padEnd(15)} ${abbreviate(props[key])}`);
    if (contractProblem) lines.push(`contract        NOT a valid SimpleClick model: ${contractProblem}`);
    if (runtime) lines.push(`runtime         ${runtime}`);
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  if (contractProblem) throw new CommandError(contractProblem);
  if (weightsProblem) throw new CommandError(weightsProblem);
}

/** One line on the weights checksum (`simpleclick.weights_sha256`). */
function describeWeightsCheck(weights: WeightsChecksum): string {
  switch (weights.status) {
    case 'match':
      return `matches the recorded value (${weights.actual})`;
    case 'mismatch':
      return `MISMATCH: recorded ${weights.expected}, the weights hash to ${weights.actual} (the file is damaged)`;
    case 'unverifiable':
      return `recorded (${weights.expected}) but not checked: weights in external data or a storage this reader does not convert`;
    case 'absent':
      return 'not recorded (exported before simpleclick.weights_sha256): not checked';
  }
}

/** Long values (the network config JSON) on one line, cut to stay readable. */
function abbreviate(value: string): string {
  const oneLine = value.replace(/\s+/g, ' ');
  return oneLine.length > 160 ? `${oneLine.slice(0, 157)}...` : oneLine;
}
