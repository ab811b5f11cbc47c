import { ModelLoadError } from '../errors';

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
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

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

/** Protobuf wire-format cursor over `bytes[start, end)`. */
class WireReader {
  #position: number;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.#position = start;
  }

  get done(): boolean {
    return this.#position >= this.end;
  }

  readTag(): { fieldNumber: number; wireType: number } {
    const tag = this.readVarint();
    const fieldNumber = Math.floor(tag / 8);
    if (fieldNumber === 0) throw malformed('field number 0');
    return { fieldNumber, wireType: tag % 8 };
  }

  /** Varints up to 2^53 (enough for tags and lengths); larger values are rejected. */
  readVarint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#position >= this.end) throw malformed('truncated varint');
      const byte = this.bytes[this.#position++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) throw malformed('varint too large');
        return result;
      }
      multiplier *= 128;
    }
    throw malformed('varint longer than 10 bytes');
  }

  readLengthDelimited(): [number, number] {
    const length = this.readVarint();
    const start = this.#position;
    if (length > this.end - start) throw malformed('length beyond the end of the message');
    this.#position = start + length;
    return [start, start + length];
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.readVarint();
        return;
      case FIXED64:
        this.#advance(8);
        return;
      case LENGTH_DELIMITED:
        this.readLengthDelimited();
        return;
      case FIXED32:
        this.#advance(4);
        return;
      default:
        throw malformed(`unsupported wire type ${wireType}`);
    }
  }

  #advance(count: number): void {
    if (count > this.end - this.#position) throw malformed('truncated field');
    this.#position += count;
  }
}

function malformed(detail: string): ModelLoadError {
  return new ModelLoadError(`not a valid ONNX file (protobuf: ${detail})`);
}
