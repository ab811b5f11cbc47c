import * as ort from 'onnxruntime-node';
import {
  InvalidArgumentError,
  ModelContractError,
  ModelLoadError,
  SimpleClickError,
  WeightsChecksumError,
} from '../errors';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import { readOnnxMetadataProps } from '../model/onnx-metadata-props';
import { OnnxSegmentationModel } from '../model/onnx-segmentation-model';
import type { WeightsChecksum } from '../model/weights-checksum';
import { readRegularFile } from './files/read-regular-file';
import { checkWeightsSha256 } from './weights-sha256';

/** Options of {@link createNodeModel}. */
export interface NodeModelOptions {
  /**
   * onnxruntime-node execution providers in order of preference, e.g. `['cuda', 'cpu']` where the CUDA
   * build of onnxruntime is installed. Default `['cpu']` (the CPU binaries ship inside the npm package).
   */
  readonly executionProviders?: readonly string[];
  /**
   * When creating the session with the listed providers fails (CUDA libraries missing, say), retry with
   * `['cpu']` instead of failing. Default true. The model's `executionProviders` says what was used.
   */
  readonly fallbackToCpu?: boolean;
  /** Threads inside one operator; default: onnxruntime's choice (all cores). */
  readonly intraOpNumThreads?: number;
  /**
   * Let onnxruntime's worker threads busy-wait after a run (its own default). Default false here: on a small
   * machine the spinning threads take the cores from the JavaScript pre- and post-processing that follows
   * each run (measured: see packages/core/bench/README.md).
   */
  readonly allowSpinning?: boolean;
  /**
   * Check the weights against the sha256 the file records (`simpleclick.weights_sha256`) before loading, and
   * refuse a mismatch ({@link WeightsChecksumError}). Default true; files without the record load unchecked
   * (`model.weightsChecksum.status` says which). About 1 s per GB of weights.
   */
  readonly verifyWeights?: boolean;
}

/** The defaults of {@link createNodeModel}. */
export const DEFAULT_NODE_MODEL_OPTIONS: Required<Omit<NodeModelOptions, 'intraOpNumThreads'>> = Object.freeze({
  executionProviders: Object.freeze(['cpu']),
  fallbackToCpu: true,
  allowSpinning: false,
  verifyWeights: true,
});

/**
 * Loads a SimpleClick ONNX model with onnxruntime-node, from a file path or the file's bytes, and checks it
 * against the contract (metadata, input/output names and shapes).
 *
 * A path is handed to onnxruntime as a path, so weights in ONNX external data files next to it load too.
 * Only a regular file is read (a named pipe or device is refused, not waited on). When the file records the
 * sha256 of its weights (`simpleclick.weights_sha256`), they are checked before the runtime sees them.
 * Throws {@link ModelLoadError} (unreadable file, runtime cannot create the session), {@link WeightsChecksumError}
 * (a ModelLoadError: the weights do not match their recorded sha256) or {@link ModelContractError}.
 */
export async function createNodeModel(
  source: string | Uint8Array,
  options: NodeModelOptions = {},
): Promise<OnnxSegmentationModel> {
  const executionProviders = [...(options.executionProviders ?? DEFAULT_NODE_MODEL_OPTIONS.executionProviders)];
  if (executionProviders.length === 0 || executionProviders.some((p) => typeof p !== 'string' || p === '')) {
    throw new InvalidArgumentError('executionProviders must be a non-empty list of provider names');
  }
  const fallbackToCpu = options.fallbackToCpu ?? DEFAULT_NODE_MODEL_OPTIONS.fallbackToCpu;
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readRegularFile(source, Number.MAX_SAFE_INTEGER);
    } catch (error) {
      throw new ModelLoadError(`cannot read the model file "${source}": ${(error as Error).message}`, { cause: error });
    }
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    throw new InvalidArgumentError('model source must be a file path or a Uint8Array of the ONNX file');
  }
  // Metadata first: a file that is not a SimpleClick model fails fast, before the runtime parses it.
  const metadataProps = readOnnxMetadataProps(bytes);
  if (Object.keys(metadataProps).length === 0) {
    throw new ModelContractError('the ONNX file has no metadata_props: not a SimpleClick model export');
  }
  let weightsChecksum: WeightsChecksum = { status: 'absent' };
  if (options.verifyWeights ?? DEFAULT_NODE_MODEL_OPTIONS.verifyWeights) {
    weightsChecksum = checkWeightsSha256(bytes, metadataProps);
    if (weightsChecksum.status === 'mismatch') {
      throw new WeightsChecksumError(
        `the model's weights do not match the sha256 its metadata records (${MODEL_METADATA_KEYS.weightsSha256} ` +
          `${weightsChecksum.expected}, weights hash to ${weightsChecksum.actual}): the file is damaged; export or download it again`,
      );
    }
  }

  const spinning = (options.allowSpinning ?? DEFAULT_NODE_MODEL_OPTIONS.allowSpinning) ? '1' : '0';
  const sessionOptions = (providers: readonly string[]): ort.InferenceSession.SessionOptions => ({
    executionProviders: [...providers],
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    // Session config entries "session.intra_op.allow_spinning" / "session.inter_op.allow_spinning".
    extra: { session: { intra_op: { allow_spinning: spinning }, inter_op: { allow_spinning: spinning } } },
  });
  const createSession = (providers: readonly string[]) =>
    typeof source === 'string'
      ? ort.InferenceSession.create(source, sessionOptions(providers))
      : ort.InferenceSession.create(bytes, sessionOptions(providers));

  let session: ort.InferenceSession;
  let usedProviders = executionProviders;
  try {
    session = await createSession(executionProviders);
  } catch (error) {
    const onlyCpu = executionProviders.length === 1 && executionProviders[0] === 'cpu';
    if (!fallbackToCpu || onlyCpu) {
      throw new ModelLoadError(`onnxruntime-node could not create a session: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      usedProviders = ['cpu'];
      session = await createSession(usedProviders);
    } catch (cpuError) {
      throw new ModelLoadError(`onnxruntime-node could not create a session: ${(cpuError as Error).message}`, {
        cause: cpuError,
      });
    }
  }
  try {
    return await OnnxSegmentationModel.create(
      session,
      metadataProps,
      (data, dims) => new ort.Tensor('float32', data, dims),
      { executionProviders: usedProviders, weightsChecksum },
    );
  } catch (error) {
    if (error instanceof SimpleClickError) throw error;
    throw new ModelLoadError(`cannot use the model: ${(error as Error).message}`, { cause: error });
  }
}
