/**
 * Test support: small edits of ONNX file bytes without a protobuf library, to make damaged or re-labelled models
 * from the tiny fixtures inside a test.
 */
import { readOnnxInitializerData } from '../src/model/onnx-initializer-data';

/** `bytes` with one more metadata_props entry (ModelProto field 14), appended as protobuf allows. */
export function withMetadataEntry(bytes: Uint8Array, key: string, value: string): Uint8Array {
  const encoder = new TextEncoder();
  const field = (number: number, payload: Uint8Array) => [
    ...varint(number * 8 + 2),
    ...varint(payload.length),
    ...payload,
  ];
  const entry = new Uint8Array([...field(1, encoder.encode(key)), ...field(2, encoder.encode(value))]);
  return new Uint8Array([...bytes, ...field(14, entry)]);
}

/** A copy of `bytes` with float32 `value` written over the first element of initializer number `index` (raw_data). */
export function withInitializerFloat(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const raw = readOnnxInitializerData(copy).tensorBytes[index] as Uint8Array;
  new DataView(raw.buffer, raw.byteOffset, 4).setFloat32(0, value, true);
  return copy;
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

/** tiny-s32.onnx's weights sha256 as Python computes it (simpleclick.weights_digest.weights_sha256). */
export const TINY_S32_WEIGHTS_SHA256 = 'c10a87cdca87d9bbab86d1d9866e22519d5fec6cb3fd68929f466600644923d1';

/** Indices of tiny-s32.onnx's initializers, in graph order: ramp [1,1,32,32], six, four, two, split_ones. */
export const TINY_S32_INITIALIZER = Object.freeze({ ramp: 0, six: 1, four: 2, two: 3 });
