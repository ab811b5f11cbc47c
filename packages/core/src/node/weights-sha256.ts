import { createHash } from 'node:crypto';
import { MODEL_METADATA_KEYS } from '../model/model-metadata';
import { readOnnxInitializerData } from '../model/onnx-initializer-data';
import { readOnnxMetadataProps } from '../model/onnx-metadata-props';
import type { WeightsChecksum } from '../model/weights-checksum';

/**
 * The weights sha256 of an ONNX file (lowercase hex), as recorded under `simpleclick.weights_sha256` (the
 * definition is in weights-checksum.ts): sha256 over every initializer's values as little-endian bytes, in
 * graph order. Hashes views of `bytes` where the file stores raw data (no copy). `undefined` when some
 * initializer's bytes are not in the file (external data) or in a storage the reader does not convert.
 * @throws ModelLoadError for bytes that are not a protobuf message.
 */
export function weightsSha256(bytes: Uint8Array): string | undefined {
  const { tensorBytes } = readOnnxInitializerData(bytes);
  if (tensorBytes.some((chunk) => chunk === null)) return undefined;
  const hash = createHash('sha256');
  for (const chunk of tensorBytes) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/**
 * Checks an ONNX file's weights against the sha256 its metadata records. `absent` when there is no record,
 * `unverifiable` when the weights are in external data files.
 * @param metadataProps - The file's metadata_props when already read (else read from `bytes`).
 * @throws ModelLoadError for bytes that are not a protobuf message.
 */
export function checkWeightsSha256(
  bytes: Uint8Array,
  metadataProps?: Readonly<Record<string, string>>,
): WeightsChecksum {
  const recorded = (metadataProps ?? readOnnxMetadataProps(bytes))[MODEL_METADATA_KEYS.weightsSha256];
  if (recorded === undefined) return { status: 'absent' };
  const expected = recorded.trim().toLowerCase();
  const actual = weightsSha256(bytes);
  if (actual === undefined) return { status: 'unverifiable', expected };
  return { status: actual === expected ? 'match' : 'mismatch', expected, actual };
}
