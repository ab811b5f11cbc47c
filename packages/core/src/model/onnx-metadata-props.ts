import { LENGTH_DELIMITED, WireReader } from './protobuf-wire-reader';

/**
 * Reads `metadata_props` (field 14 of `ModelProto`: repeated `StringStringEntryProto {key = 1; value = 2}`)
 * from the bytes of an ONNX file. onnxruntime's JavaScript API does not expose custom metadata, so the SDK
 * reads it itself: a minimal protobuf wire-format walk over the top-level fields only, skipping the graph by
 * its length without decoding it (fast even for large models).
 *
 * Throws {@link ModelLoadError} when the bytes are not a well-formed protobuf message.
 */
export function readOnnxMetadataProps(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const reader = new WireReader(bytes, 0, bytes.length);
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber === METADATA_PROPS_FIELD && wireType === LENGTH_DELIMITED) {
      const [start, end] = reader.readLengthDelimited();
      const entry = readStringEntry(bytes, start, end);
      props[entry.key] = entry.value;
    } else {
      reader.skip(wireType);
    }
  }
  return props;
}

const METADATA_PROPS_FIELD = 14;

// TextDecoder exists in every supported runtime (browsers, Node, workers); reached through globalThis so the
// core compiles without DOM typings.
type TextDecoderLike = { decode(bytes: Uint8Array): string };
const TextDecoderClass = (globalThis as { TextDecoder?: new (label: string) => TextDecoderLike }).TextDecoder;
const utf8: TextDecoderLike | undefined = TextDecoderClass === undefined ? undefined : new TextDecoderClass('utf-8');

function decodeUtf8(bytes: Uint8Array): string {
  if (utf8 !== undefined) return utf8.decode(bytes);
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte); // Latin-1 fallback: exact for ASCII keys
  return text;
}

function readStringEntry(bytes: Uint8Array, start: number, end: number): { key: string; value: string } {
  const reader = new WireReader(bytes, start, end);
  let key = '';
  let value = '';
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if ((fieldNumber === 1 || fieldNumber === 2) && wireType === LENGTH_DELIMITED) {
      const [from, to] = reader.readLengthDelimited();
      const text = decodeUtf8(bytes.subarray(from, to));
      if (fieldNumber === 1) key = text;
      else value = text;
    } else {
      reader.skip(wireType);
    }
  }
  return { key, value };
}
