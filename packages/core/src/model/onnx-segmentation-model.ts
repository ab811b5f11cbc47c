import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { InvalidArgumentError, ModelContractError, NonFiniteOutputError, SessionClosedError } from '../errors';
import { parseModelMetadata } from './model-metadata';
import type { ModelMetadata, NetInput, NetOutput, SegmentationModel } from './segmentation-model';
import type { WeightsChecksum } from './weights-checksum';

/** Input and output names of the SimpleClick ONNX contract (docs/model-contract.md, inputs and output). */
export const MODEL_INPUT_IMAGE = 'image';
export const MODEL_INPUT_CLICK_MAPS = 'click_maps';
export const MODEL_OUTPUT_LOGITS = 'logits';

/**
 * Makes a float32 tensor of the runtime in use. Each runtime (onnxruntime-node, onnxruntime-web) checks that
 * feeds are its own Tensor class, so the runner passes its constructor in.
 */
export type Float32TensorFactory = (data: Float32Array, dims: readonly number[]) => Tensor;

/** What a runner knows about the session it created. */
export interface OnnxSessionInfo {
  /** The execution providers the session was created with, in order of preference. */
  readonly executionProviders: readonly string[];
  /** What the loader found checking `simpleclick.weights_sha256`, when it checked. */
  readonly weightsChecksum?: WeightsChecksum;
}

/**
 * A {@link SegmentationModel} over any onnxruntime `InferenceSession` (the interface of onnxruntime-common,
 * implemented by onnxruntime-node and onnxruntime-web alike): one code path for every runtime. It checks the
 * graph against the contract once, feeds `image` and `click_maps`, fetches `logits`, runs one batch at a
 * time and frees tensors after each run. Every output is checked for NaN and infinite logits
 * ({@link NonFiniteOutputError}): one pass over S x S floats, negligible next to the network.
 *
 * Use the runtime factories `createNodeModel` (`@simpleclick/core/node`) or `createWebModel`
 * (`@simpleclick/core/web`) rather than this class directly.
 */
export class OnnxSegmentationModel implements SegmentationModel {
  readonly metadata: ModelMetadata;
  /** Execution providers the session was created with. */
  readonly executionProviders: readonly string[];
  /** The graph's batch dimension when it is static (1: a flip batch of 2 runs as two passes), else null. */
  readonly staticBatchSize: number | null;
  /** The weights checksum check the loader did (`status: 'absent'` when the file records none or nothing checked). */
  readonly weightsChecksum: WeightsChecksum;

  readonly #session: InferenceSession;
  readonly #createTensor: Float32TensorFactory;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    session: InferenceSession,
    metadata: ModelMetadata,
    createTensor: Float32TensorFactory,
    info: OnnxSessionInfo,
    staticBatchSize: number | null,
  ) {
    this.#session = session;
    this.metadata = metadata;
    this.#createTensor = createTensor;
    this.executionProviders = Object.freeze([...info.executionProviders]);
    this.staticBatchSize = staticBatchSize;
    this.weightsChecksum = Object.freeze({ ...(info.weightsChecksum ?? { status: 'absent' }) });
  }

  /**
   * Wraps a created session after checking it against the contract: metadata (see
   * {@link parseModelMetadata}), input names `image` and `click_maps` (no others), an output `logits`, and,
   * where the runtime reports shapes, float32 `[B,3,S,S]` inputs and `[B,1,S,S]` output with S equal to the
   * metadata's input size. On a contract error the session is released and {@link ModelContractError} thrown.
   */
  static async create(
    session: InferenceSession,
    metadataProps: Readonly<Record<string, string>>,
    createTensor: Float32TensorFactory,
    info: OnnxSessionInfo,
  ): Promise<OnnxSegmentationModel> {
    try {
      const metadata = parseModelMetadata(metadataProps);
      const staticBatchSize = checkGraph(session, metadata.inputSizePx);
      return new OnnxSegmentationModel(session, metadata, createTensor, info, staticBatchSize);
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs one batch. Rejects with {@link InvalidArgumentError} for inputs of the wrong size,
   * {@link ModelContractError} when the output is not `[B,1,S,S]` float32, {@link NonFiniteOutputError} (a
   * ModelContractError) when it holds NaN or infinite values, {@link SessionClosedError} after
   * {@link close}. Calls are queued: one run at a time.
   */
  run(input: NetInput): Promise<NetOutput> {
    try {
      this.#assertOpen();
      checkInput(input, this.metadata.inputSizePx);
    } catch (error) {
      return Promise.reject(error);
    }
    const work = async (): Promise<NetOutput> => {
      this.#assertOpen();
      if (this.staticBatchSize === null || this.staticBatchSize === input.batchSize) return this.#runBatch(input);
      if (this.staticBatchSize !== 1) {
        throw new ModelContractError(
          `the graph takes batches of exactly ${this.staticBatchSize}, got ${input.batchSize}`,
        );
      }
      // A graph exported with batch 1: run the batch item by item.
      const inputLength = 3 * input.sizePx * input.sizePx;
      const outputLength = input.sizePx * input.sizePx;
      const logits = new Float32Array(input.batchSize * outputLength);
      for (let item = 0; item < input.batchSize; item++) {
        const single = await this.#runBatch({
          batchSize: 1,
          sizePx: input.sizePx,
          image: input.image.subarray(item * inputLength, (item + 1) * inputLength),
          clickMaps: input.clickMaps.subarray(item * inputLength, (item + 1) * inputLength),
        });
        logits.set(single.logits, item * outputLength);
      }
      return { logits };
    };
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the runtime session after queued runs finish. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    await this.#session.release();
  }

  async #runBatch(input: NetInput): Promise<NetOutput> {
    const size = input.sizePx;
    const dims = [input.batchSize, 3, size, size];
    const image = this.#createTensor(input.image, dims);
    const clickMaps = this.#createTensor(input.clickMaps, dims);
    let results: InferenceSession.ReturnType | undefined;
    try {
      results = await this.#session.run({ [MODEL_INPUT_IMAGE]: image, [MODEL_INPUT_CLICK_MAPS]: clickMaps }, [
        MODEL_OUTPUT_LOGITS,
      ]);
      const output = results[MODEL_OUTPUT_LOGITS] as Tensor | undefined;
      if (output === undefined) throw new ModelContractError(`the model returned no "${MODEL_OUTPUT_LOGITS}" output`);
      const expected = [input.batchSize, 1, size, size];
      if (output.type !== 'float32' || output.dims.length !== 4 || output.dims.some((d, i) => d !== expected[i])) {
        throw new ModelContractError(
          `"${MODEL_OUTPUT_LOGITS}" is ${output.type} [${output.dims.join(',')}], expected float32 [${expected.join(',')}]`,
        );
      }
      // CPU outputs hold their data already; GPU-located outputs are downloaded (and released) here.
      const data = (output.location === 'cpu' ? output.data : await output.getData(true)) as Float32Array;
      checkFinite(data);
      return { logits: data };
    } finally {
      image.dispose();
      clickMaps.dispose();
      if (results !== undefined) for (const value of Object.values(results)) value.dispose();
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SessionClosedError('the model is closed');
  }
}

/** Checks names and (where reported) shapes; returns the static batch size or null when it is dynamic. */
function checkGraph(session: InferenceSession, sizePx: number): number | null {
  const inputs = [...session.inputNames].sort();
  const wantedInputs = [MODEL_INPUT_CLICK_MAPS, MODEL_INPUT_IMAGE];
  if (inputs.length !== 2 || inputs[0] !== wantedInputs[0] || inputs[1] !== wantedInputs[1]) {
    throw new ModelContractError(
      `the graph's inputs are [${session.inputNames.join(', ')}], the contract needs exactly [${MODEL_INPUT_IMAGE}, ${MODEL_INPUT_CLICK_MAPS}]`,
    );
  }
  if (!session.outputNames.includes(MODEL_OUTPUT_LOGITS)) {
    throw new ModelContractError(
      `the graph's outputs are [${session.outputNames.join(', ')}], the contract needs "${MODEL_OUTPUT_LOGITS}"`,
    );
  }
  const batchSizes: Array<number | string> = [];
  // Inputs must have the static S of the metadata. Exporters often leave the output's dimensions symbolic
  // (shape inference stops at the final Resize), so there a named dimension is accepted and the real shape
  // is checked on every run; a numeric dimension must still be right.
  const describe = (
    metadata: readonly InferenceSession.ValueMetadata[] | undefined,
    name: string,
    channels: number,
    allowSymbolic: boolean,
  ) => {
    const value = metadata?.find((m) => m.name === name);
    if (value === undefined || !value.isTensor) return; // this runtime reports no metadata: checked at run time
    if (value.type !== 'float32') {
      throw new ModelContractError(`"${name}" is ${value.type}, the contract needs float32`);
    }
    const shape = value.shape;
    if (shape.length === 0) return; // shape unknown to the runtime
    const fits = (d: number | string, wanted: number) => d === wanted || (allowSymbolic && typeof d === 'string');
    if (shape.length !== 4 || !fits(shape[1], channels) || !fits(shape[2], sizePx) || !fits(shape[3], sizePx)) {
      throw new ModelContractError(
        `"${name}" has shape [${shape.join(',')}], the contract needs [B,${channels},${sizePx},${sizePx}] with the static size S = ${sizePx} of the metadata`,
      );
    }
    batchSizes.push(shape[0]);
  };
  describe(session.inputMetadata, MODEL_INPUT_IMAGE, 3, false);
  describe(session.inputMetadata, MODEL_INPUT_CLICK_MAPS, 3, false);
  describe(session.outputMetadata, MODEL_OUTPUT_LOGITS, 1, true);
  const staticSizes = batchSizes.filter((b): b is number => typeof b === 'number' && b > 0);
  if (staticSizes.length === 0) return null;
  if (staticSizes.some((b) => b !== staticSizes[0])) {
    throw new ModelContractError(`inputs and output disagree on the batch size: [${batchSizes.join(', ')}]`);
  }
  return staticSizes[0];
}

/**
 * Throws {@link NonFiniteOutputError} at the first NaN or infinite logit. Corrupted weights (a flipped exponent
 * bit) or a broken graph give NaN/Inf, which thresholding would silently turn into an empty or full mask.
 */
function checkFinite(logits: Float32Array): void {
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i];
    // value - value is 0 for finite numbers and NaN for NaN and +-Infinity: one subtraction and compare.
    if (value - value !== 0) {
      throw new NonFiniteOutputError(
        `the model returned a non-finite logit (${value}) at index ${i}: its weights are probably damaged or the graph is broken`,
      );
    }
  }
}

function checkInput(input: NetInput, sizePx: number): void {
  if (input.sizePx !== sizePx) {
    throw new InvalidArgumentError(`input size ${input.sizePx} differs from the model's S = ${sizePx}`);
  }
  if (!Number.isInteger(input.batchSize) || input.batchSize < 1) {
    throw new InvalidArgumentError(`batch size must be a positive integer, got ${input.batchSize}`);
  }
  const length = input.batchSize * 3 * sizePx * sizePx;
  if (!(input.image instanceof Float32Array) || input.image.length !== length) {
    throw new InvalidArgumentError(`image input must be a Float32Array of ${length} values`);
  }
  if (!(input.clickMaps instanceof Float32Array) || input.clickMaps.length !== length) {
    throw new InvalidArgumentError(`click_maps input must be a Float32Array of ${length} values`);
  }
}
