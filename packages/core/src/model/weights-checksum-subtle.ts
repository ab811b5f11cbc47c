import { MODEL_METADATA_KEYS } from './model-metadata';
import { readOnnxInitializerData } from './onnx-initializer-data';
import type { WeightsChecksum } from './weights-checksum';

/** The part of WebCrypto's SubtleCrypto used here (reached through globalThis: no DOM typings in the core). */
interface SubtleDigest {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * Checks an ONNX file's weights against `simpleclick.weights_sha256` (definition in weights-checksum.ts) with
 * WebCrypto, for runtimes without node:crypto (browsers, workers). WebCrypto hashes one buffer, so the weights
 * are copied into one array first (a transient copy of the weights). `unverifiable` where WebCrypto is missing
 * (a page served over plain http from another host is not a secure context) or the weights are not all in the file.
 * @throws ModelLoadError for bytes that are not a protobuf message.
 */
export async function checkWeightsSha256WithWebCrypto(
  bytes: Uint8Array,
  metadataProps: Readonly<Record<string, string>>,
): Promise<WeightsChecksum> {
  const recorded = metadataProps[MODEL_METADATA_KEYS.weightsSha256];
  if (recorded === undefined) return { status: 'absent' };
  const expected = recorded.trim().toLowerCase();
  const subtle = (globalThis as { crypto?: { subtle?: SubtleDigest } }).crypto?.subtle;
  const { tensorBytes } = readOnnxInitializerData(bytes);
  if (subtle === undefined || tensorBytes.some((chunk) => chunk === null)) return { status: 'unverifiable', expected };
  const chunks = tensorBytes as Uint8Array[];
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', all));
  const actual = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return { status: actual === expected ? 'match' : 'mismatch', expected, actual };
}
