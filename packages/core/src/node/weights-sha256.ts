import { createHash } from 'node:crypto';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import { readOnnxInitializerData } from '../model/onnx-initializer-data';
import { readOnnxMetadataProps } from '../model/onnx-metadata-props';
import type { WeightsChecksum } from '../model/weights-checksum';

/**
 * The weights sha256 of an ONNX file (lowercase hex), as recorded under `simpleclick.weights_sha256`: sha256
 * over the `raw_data` of every initializer of the main graph in file order (see weights-checksum.ts). Streams
 * over views of `bytes`, no copy.
 * @throws ModelLoadError for bytes that are not a protobuf message.
 */
export function weightsSha256(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  for (const chunk of readOnnxInitializerData(bytes).rawData) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Checks an ONNX file's weights against the sha256 its metadata records. `absent` when there is no record,
 * `unverifiable` when the weights are in external data files.
 * @param metadataProps - The file's metadata_props when already read (else read from `bytes`).
 * @throws ModelLoadError for bytes that are not a protobuf message.
 */
export function checkWeightsSha256(bytes: Uint8Array, metadataProps?: Readonly<Record<string, string>>): WeightsChecksum {
  const recorded = (metadataProps ?? readOnnxMetadataProps(bytes))[MODEL_METADATA_KEYS.weightsSha256];
  if (recorded === undefined) return { status: 'absent' };
  const expected = recorded.trim().toLowerCase();
  const data = readOnnxInitializerData(bytes);
  if (data.hasExternalData) return { status: 'unverifiable', expected };
  const hash = createHash('sha256');
  for (const chunk of data.rawData) hash.update(chunk);
  const actual = hash.digest('hex');
  return { status: actual === expected ? 'match' : 'mismatch', expected, actual };
}
