/**
 * What the predictor needs from a model: one forward pass of the SimpleClick ONNX contract
 * (docs/model-contract.md). Implementations: {@link OnnxSegmentationModel} over onnxruntime-node or -web.
 */
export interface SegmentationModel {
  /** What the model file says about itself. */
  readonly metadata: ModelMetadata;
  /** Runs one batch. Rejects after `close()`. */
  run(input: NetInput): Promise<NetOutput>;
  /** Frees the runtime session. Idempotent. */
  close(): Promise<void>;
}

/** Facts read from the ONNX file's metadata_props. */
export interface ModelMetadata {
  /** Architecture variant, e.g. "xtiny", "base", "large", "huge" or a custom name. */
  readonly variant: string;
  /** Static network input size S (the graph takes S x S). */
  readonly inputSizePx: number;
  /** ViT patch size in pixels. */
  readonly patchSizePx: number;
  /** What the weights were trained on ("untrained" for random weights). */
  readonly trainingData: string;
  /** Model version string. */
  readonly version: string;
  /** `simpleclick.format_version` ("1"); set by `parseModelMetadata`. */
  readonly formatVersion?: string;
  /** Whether the weights are trained (`simpleclick.trained`), when the file says. */
  readonly trained?: boolean;
  /** Checkpoint file name or "random-init" (`simpleclick.source`), when the file says. */
  readonly source?: string;
  /** Storage type of the weights (`simpleclick.weights_dtype`), when the file says. */
  readonly weightsDtype?: 'float32' | 'float16';
  /** Every metadata_props entry, as stored. */
  readonly raw: Readonly<Record<string, string>>;
}

/**
 * One batch at network resolution, NCHW float32.
 * `image`: [B,3,S,S] RGB in [0,1] (the graph normalises); `clickMaps`: [B,3,S,S], channel 0 the previous
 * probability, 1 the positive disks, 2 the negative disks.
 */
export interface NetInput {
  readonly batchSize: number;
  readonly sizePx: number;
  readonly image: Float32Array;
  readonly clickMaps: Float32Array;
}

/** Pre-sigmoid logits [B,1,S,S] at input resolution. */
export interface NetOutput {
  readonly logits: Float32Array;
}
