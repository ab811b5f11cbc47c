import { ModelContractError } from '../errors';
import { readOnnxMetadataProps } from './onnx-metadata-props';
import type { ModelMetadata } from './segmentation-model';

/** The `metadata_props` keys of the SimpleClick ONNX contract (docs/model-contract.md, metadata). */
export const MODEL_METADATA_KEYS = Object.freeze({
  formatVersion: 'simpleclick.format_version',
  variant: 'simpleclick.variant',
  inputSize: 'simpleclick.input_size',
  patchSize: 'simpleclick.patch_size',
  trainingData: 'simpleclick.training_data',
  version: 'simpleclick.version',
  trained: 'simpleclick.trained',
  source: 'simpleclick.source',
  weightsDtype: 'simpleclick.weights_dtype',
  /** sha256 of the initializers' raw_data (see weights-checksum.ts); verified by the loaders when present. */
  weightsSha256: 'simpleclick.weights_sha256',
});

/** The metadata format versions this SDK reads. */
export const SUPPORTED_MODEL_FORMAT_VERSIONS: readonly string[] = Object.freeze(['1']);

/**
 * Parses and checks the SimpleClick metadata of an ONNX file. Required: format version (a supported one),
 * variant, input size and patch size (positive integers, the input size a multiple of the patch size),
 * training data and version. Optional but checked when present: `trained` ("true"/"false"), `source`,
 * `weights_dtype` ("float32"/"float16"). Throws {@link ModelContractError} listing every problem.
 */
export function parseModelMetadata(props: Readonly<Record<string, string>>): ModelMetadata {
  const problems: string[] = [];
  const text = (key: string, required: boolean): string | undefined => {
    const value = props[key];
    if (value === undefined || value === '') {
      if (required) problems.push(`missing "${key}"`);
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push(`"${key}" is not a string`);
      return undefined;
    }
    return value.trim();
  };
  const positiveInteger = (key: string): number => {
    const value = text(key, true);
    if (value === undefined) return NaN;
    if (!/^[1-9][0-9]*$/.test(value)) {
      problems.push(`"${key}" must be a positive integer, got "${value}"`);
      return NaN;
    }
    return Number(value);
  };

  const formatVersion = text(MODEL_METADATA_KEYS.formatVersion, true);
  if (formatVersion !== undefined && !SUPPORTED_MODEL_FORMAT_VERSIONS.includes(formatVersion)) {
    problems.push(
      `"${MODEL_METADATA_KEYS.formatVersion}" is "${formatVersion}", this SDK reads ${SUPPORTED_MODEL_FORMAT_VERSIONS.join(', ')}`,
    );
  }
  const variant = text(MODEL_METADATA_KEYS.variant, true);
  const inputSizePx = positiveInteger(MODEL_METADATA_KEYS.inputSize);
  const patchSizePx = positiveInteger(MODEL_METADATA_KEYS.patchSize);
  if (Number.isInteger(inputSizePx) && Number.isInteger(patchSizePx) && inputSizePx % patchSizePx !== 0) {
    problems.push(`input size ${inputSizePx} is not a multiple of the patch size ${patchSizePx}`);
  }
  const trainingData = text(MODEL_METADATA_KEYS.trainingData, true);
  const version = text(MODEL_METADATA_KEYS.version, true);
  const trainedText = text(MODEL_METADATA_KEYS.trained, false);
  if (trainedText !== undefined && trainedText !== 'true' && trainedText !== 'false') {
    problems.push(`"${MODEL_METADATA_KEYS.trained}" must be "true" or "false", got "${trainedText}"`);
  }
  const source = text(MODEL_METADATA_KEYS.source, false);
  const weightsDtype = text(MODEL_METADATA_KEYS.weightsDtype, false);
  if (weightsDtype !== undefined && weightsDtype !== 'float32' && weightsDtype !== 'float16') {
    problems.push(`"${MODEL_METADATA_KEYS.weightsDtype}" must be "float32" or "float16", got "${weightsDtype}"`);
  }
  if (problems.length > 0) {
    throw new ModelContractError(`model metadata_props do not follow the SimpleClick contract: ${problems.join('; ')}`);
  }
  return Object.freeze({
    variant: variant as string,
    inputSizePx,
    patchSizePx,
    trainingData: trainingData as string,
    version: version as string,
    formatVersion: formatVersion as string,
    ...(trainedText !== undefined ? { trained: trainedText === 'true' } : {}),
    ...(source !== undefined ? { source } : {}),
    ...(weightsDtype !== undefined ? { weightsDtype: weightsDtype as 'float32' | 'float16' } : {}),
    raw: Object.freeze({ ...props }),
  });
}

/**
 * The SimpleClick metadata of an ONNX file, read from its bytes without loading the model (the variant, input
 * size and training data a model declares, e.g. to pick a model before creating a session).
 *
 * @throws ModelLoadError when the bytes are not an ONNX (protobuf) file; ModelContractError when the metadata
 *   is missing or invalid (see {@link ModelMetadata}).
 */
export function readModelMetadata(onnxBytes: Uint8Array): ModelMetadata {
  return parseModelMetadata(readOnnxMetadataProps(onnxBytes));
}
