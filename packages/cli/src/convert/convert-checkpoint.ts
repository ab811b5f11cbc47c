/**
 * Official checkpoint (.pth) -> ONNX model, without Python: the PyTorch archive is read by {@link TorchArchive}
 * (pickle read without executing anything), interpreted as python/simpleclick/checkpoint.py does, and its tensors
 * fill the graph template of its layout. The result equals `python3 -m simpleclick export --checkpoint ...` byte for
 * byte (same graph, weights, metadata and doc string), including ONNX external data above 1.8 GB of weights.
 */
import { existsSync, realpathSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AtomicOutput } from './atomic-output';
import {
  checkStateDictShapes,
  configJson,
  interpretCheckpoint,
  variantLabel,
  type NetworkConfig,
  type Provenance,
} from './checkpoint-model';
import { ConvertError } from './convert-error';
import {
  describeTemplates,
  EXTERNAL_DATA_THRESHOLD_BYTES,
  findTemplate,
  GraphTemplate,
  loadTemplateIndex,
  type TemplateIndex,
} from './graph-template';
import { TorchArchive } from './torch-archive';

export type ExternalDataMode = 'auto' | 'always' | 'never';

export interface ConvertOptions {
  readonly checkpointPath: string;
  readonly outPath: string;
  /** Static input size S (a template must exist: 448 or 672 for the released layouts). */
  readonly sizePx: number;
  readonly fp16: boolean;
  /** Overrides the training data metadata (basis "user"). */
  readonly trainingData?: string;
  /** Like the exporter's --external-data (default auto: above 1.8 GB of weights, i.e. ViT-H fp32). */
  readonly externalData?: ExternalDataMode;
  /** Template folders searched before the package's own `templates/`. */
  readonly templateDirectories?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface ConvertResult {
  readonly outPath: string;
  /** The `.onnx.data` file, when the weights went to external data. */
  readonly dataPath?: string;
  readonly bytes: number;
  readonly variant: string;
  readonly config: NetworkConfig;
  readonly configSource: string;
  readonly sizePx: number;
  readonly weightsDtype: 'float32' | 'float16';
  readonly weightsSha256: string;
  readonly provenance: Provenance;
  /** Pickled classes and functions that were left inert (never imported or called). */
  readonly inertGlobals: readonly string[];
  readonly seconds: number;
}

const MODULE_DIRECTORY = dirname(fileURLToPath(import.meta.url));

/** The package's `templates/` folder: `packages/cli/templates` from the sources (src/convert) or the bundle (dist). */
export function packageTemplatesDirectory(): string | undefined {
  for (const candidate of [
    join(MODULE_DIRECTORY, '..', 'templates'),
    join(MODULE_DIRECTORY, '..', '..', 'templates'),
  ]) {
    if (existsSync(join(candidate, 'index.json'))) return candidate;
  }
  return undefined;
}

/** Converts a checkpoint (module documentation). @throws ConvertError with one line for the user. */
export async function convertCheckpoint(options: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const outPath = resolve(options.outPath);
  const checkpointPath = resolve(options.checkpointPath);
  if (existsSync(outPath) && existsSync(checkpointPath) && realpathSync(outPath) === realpathSync(checkpointPath)) {
    throw new ConvertError(`--out ${options.outPath} is the checkpoint itself`);
  }
  const dtype = options.fp16 ? 'float16' : 'float32';

  const indexes: TemplateIndex[] = [];
  for (const directory of options.templateDirectories ?? []) indexes.push(await loadTemplateIndex(resolve(directory)));
  const own = packageTemplatesDirectory();
  if (own !== undefined) indexes.push(await loadTemplateIndex(own));

  log(`reading ${checkpointPath}`);
  const archive = await TorchArchive.open(checkpointPath);
  try {
    const model = interpretCheckpoint(archive.value, archive.fileName);
    const variant = variantLabel(model.config);
    log(`architecture ${variant} from ${model.configSource}: ${configJson(model.config)}`);
    if (options.sizePx % model.config.patch_size !== 0) {
      throw new ConvertError(`size ${options.sizePx} is not a multiple of the patch size ${model.config.patch_size}`);
    }
    const found = findTemplate(indexes, model.config, options.sizePx, dtype);
    if (found === undefined) {
      throw new ConvertError(
        `no graph template for the ${variant} layout at ${options.sizePx} px with ${dtype} weights (templates: ` +
          `${describeTemplates(indexes)}); convert it with the Python exporter (python/README.md)`,
      );
    }
    checkStateDictShapes(model, found.layout.state_dict, archive.fileName);
    const template = await GraphTemplate.load(found.index, found.entry);

    const provenance: Provenance =
      options.trainingData === undefined
        ? model.provenance
        : { ...model.provenance, trainingData: options.trainingData, trainingDataBasis: 'user' };
    const version = template.producerVersion ?? found.index.toolchain_version;
    const metadata: Record<string, string> = {
      'simpleclick.config': configJson(model.config),
      'simpleclick.variant': variant,
      'simpleclick.source': archive.fileName,
      'simpleclick.trained_basis': provenance.trainedBasis,
      'simpleclick.training_data': provenance.trainingData,
      'simpleclick.training_data_basis': provenance.trainingDataBasis,
      'simpleclick.version': version,
    };
    if (provenance.trained !== null) metadata['simpleclick.trained'] = provenance.trained ? 'true' : 'false';
    const trainedText = metadata['simpleclick.trained'] ?? 'not stated';
    const docString =
      `SimpleClick ${variant} interactive segmentation, S=${options.sizePx}, trained=${trainedText} ` +
      `(${provenance.trainingData}); inputs image/click_maps [B,3,S,S] float32, output logits [B,1,S,S]`;

    const mode = options.externalData ?? 'auto';
    const external = mode === 'always' || (mode === 'auto' && template.weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES);
    const dataName = `${basename(outPath)}.data`;
    const dataPath = join(dirname(outPath), dataName);
    log(`writing ${outPath}${external ? ` with external data ${dataName}` : ''}`);

    let modelOut: AtomicOutput | undefined;
    let dataOut: AtomicOutput | undefined;
    let sha256: string;
    try {
      modelOut = await AtomicOutput.create(outPath);
      if (external) dataOut = await AtomicOutput.create(dataPath);
      const modelSink = modelOut;
      const dataSink = dataOut;
      sha256 = await template.fill({
        tensor: async (name) => {
          const tensor = model.state.get(name);
          return tensor === undefined ? undefined : archive.readFloat32(tensor, name);
        },
        metadata,
        docString,
        ...(external ? { externalDataLocation: dataName } : {}),
        sink: {
          model: (chunk) => modelSink.write(chunk),
          ...(dataSink ? { data: (chunk: Uint8Array) => dataSink.write(chunk) } : {}),
        },
      });
      // Commit as the exporter does: the data first, the .onnx (the file users open) last.
      if (dataOut) await dataOut.commit();
      else await unlink(dataPath).catch(() => undefined);
      await modelOut.commit();
    } catch (error) {
      await dataOut?.abort();
      await modelOut?.abort();
      if (error instanceof ConvertError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined)
        throw new ConvertError(`cannot write ${options.outPath}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    return {
      outPath,
      ...(external ? { dataPath } : {}),
      bytes: modelOut.bytesWritten + (dataOut?.bytesWritten ?? 0),
      variant,
      config: model.config,
      configSource: model.configSource,
      sizePx: options.sizePx,
      weightsDtype: dtype,
      weightsSha256: sha256,
      provenance,
      inertGlobals: archive.pickle.inertGlobals,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    archive.close();
  }
}
