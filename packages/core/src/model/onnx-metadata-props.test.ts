import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors';
import { readOnnxMetadataProps } from './onnx-metadata-props';

// A hand-made protobuf writer, independent of the reader under test.
function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}
const encoder = new TextEncoder();
function lengthDelimited(field: number, payload: number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(payload.length), ...payload];
}
function text(field: number, value: string): number[] {
  return lengthDelimited(field, [...encoder.encode(value)]);
}
function entry(key: string, value: string): number[] {
  return lengthDelimited(14, [...text(1, key), ...text(2, value)]);
}

describe('readOnnxMetadataProps', () => {
  it('reads metadata_props around other fields of every wire type', () => {
    const graph = lengthDelimited(7, new Array(300).fill(7)); // skipped by length, not decoded
    const bytes = new Uint8Array([
      ...varint(1 * 8 + 0),
      ...varint(8), // ir_version (varint)
      ...text(2, 'producer'),
      ...entry('simpleclick.variant', 'xtiny'),
      ...graph,
      ...varint(99 * 8 + 5),
      1,
      2,
      3,
      4, // unknown fixed32
      ...varint(98 * 8 + 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8, // unknown fixed64
      ...entry('simpleclick.note', 'größe ✓'),
      ...entry('simpleclick.variant', 'base'), // a repeated key: the last one wins
    ]);
    expect(readOnnxMetadataProps(bytes)).toEqual({ 'simpleclick.variant': 'base', 'simpleclick.note': 'größe ✓' });
  });

  it('returns an empty record for a model without metadata', () => {
    expect(readOnnxMetadataProps(new Uint8Array([...varint(8), ...varint(8)]))).toEqual({});
  });

  it.each([
    ['a truncated length', new Uint8Array([...varint(14 * 8 + 2), 50, 1, 2])],
    ['a truncated varint', new Uint8Array([0x08, 0x80])],
    ['an unknown wire type', new Uint8Array([...varint(3 * 8 + 7), 0])],
    ['text that is not protobuf', new TextEncoder().encode('<html>not a model</html>')],
  ])('throws ModelLoadError for %s', (_name, bytes) => {
    expect(() => readOnnxMetadataProps(bytes)).toThrow(ModelLoadError);
  });
});
