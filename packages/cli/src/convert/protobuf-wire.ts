/**
 * Just enough of the protobuf wire format to fill a graph template: split a message into its fields (kept as the
 * exact bytes they were read from, so whatever is not touched is written back unchanged) and write fields and
 * length-delimited messages. The ONNX schema is not needed: the converter only touches a handful of field numbers
 * (onnx.proto: ModelProto.doc_string 6, graph 7, metadata_props 14; GraphProto.initializer 5; TensorProto.dims 1,
 * data_type 2, name 8, raw_data 9, external_data 13, data_location 14).
 *
 * Byte-identical output with Python's `SerializeToString` holds because protobuf (C++/upb) writes known fields in
 * field-number order, and the templates it wrote are already in that order; new fields are inserted at their
 * field-number position ({@link insertInOrder}).
 */

/** Wire types. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** One field of a message: its number, wire type, the payload (for length-delimited fields) and the exact bytes. */
export interface WireField {
  readonly number: number;
  readonly wireType: number;
  /** The whole field as encoded: tag, (length,) payload. */
  readonly encoded: Uint8Array;
  /** The payload of a length-delimited field (a view into `encoded`), or the varint's value. */
  readonly payload?: Uint8Array;
  readonly varint?: bigint;
}

/** Malformed protobuf bytes. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

function readVarint(bytes: Uint8Array, start: number): { value: bigint; end: number } {
  let value = 0n;
  let shift = 0n;
  let position = start;
  for (;;) {
    if (position >= bytes.length) throw new WireFormatError('varint runs past the end of the message');
    const byte = bytes[position++];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
    if (shift > 63n) throw new WireFormatError('varint longer than 10 bytes');
  }
  return { value, end: position };
}

/** The fields of a message, in the order they appear. */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let position = 0;
  while (position < bytes.length) {
    const start = position;
    const tag = readVarint(bytes, position);
    position = tag.end;
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (number === 0) throw new WireFormatError('field number 0');
    if (wireType === WIRE_VARINT) {
      const value = readVarint(bytes, position);
      position = value.end;
      fields.push({ number, wireType, encoded: bytes.subarray(start, position), varint: value.value });
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(bytes, position);
      const payloadStart = length.end;
      const payloadEnd = payloadStart + Number(length.value);
      if (payloadEnd > bytes.length) throw new WireFormatError('length-delimited field runs past the end');
      position = payloadEnd;
      fields.push({
        number,
        wireType,
        encoded: bytes.subarray(start, position),
        payload: bytes.subarray(payloadStart, payloadEnd),
      });
    } else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      position += wireType === WIRE_FIXED64 ? 8 : 4;
      if (position > bytes.length) throw new WireFormatError('fixed-size field runs past the end');
      fields.push({ number, wireType, encoded: bytes.subarray(start, position) });
    } else {
      throw new WireFormatError(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

/** The varint encoding of a non-negative integer. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let remaining = BigInt(value);
  if (remaining < 0n) throw new RangeError('negative varint');
  const out: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    out.push(byte);
  } while (remaining !== 0n);
  return Uint8Array.from(out);
}

/** The header (tag and length) of a length-delimited field whose payload is `length` bytes. */
export function lengthDelimitedHeader(number: number, length: number): Uint8Array {
  const tag = encodeVarint((number << 3) | WIRE_LENGTH_DELIMITED);
  const size = encodeVarint(length);
  const header = new Uint8Array(tag.length + size.length);
  header.set(tag, 0);
  header.set(size, tag.length);
  return header;
}

/** A length-delimited field holding `payload`. */
export function lengthDelimitedField(number: number, payload: Uint8Array): WireField {
  const header = lengthDelimitedHeader(number, payload.length);
  const encoded = new Uint8Array(header.length + payload.length);
  encoded.set(header, 0);
  encoded.set(payload, header.length);
  return { number, wireType: WIRE_LENGTH_DELIMITED, encoded, payload: encoded.subarray(header.length) };
}

/** A string field (UTF-8). */
export function stringField(number: number, value: string): WireField {
  return lengthDelimitedField(number, new TextEncoder().encode(value));
}

/** A varint field. */
export function varintField(number: number, value: number | bigint): WireField {
  const tag = encodeVarint((number << 3) | WIRE_VARINT);
  const body = encodeVarint(value);
  const encoded = new Uint8Array(tag.length + body.length);
  encoded.set(tag, 0);
  encoded.set(body, tag.length);
  return { number, wireType: WIRE_VARINT, encoded, varint: BigInt(value) };
}

/** `fields` with `added` placed after every field whose number is not greater (protobuf's write order). */
export function insertInOrder(fields: readonly WireField[], added: readonly WireField[]): WireField[] {
  const result = [...fields];
  for (const field of added) {
    let index = result.length;
    while (index > 0 && result[index - 1].number > field.number) index--;
    result.splice(index, 0, field);
  }
  return result;
}

/** The concatenated encodings of `fields`. */
export function concatFields(fields: readonly WireField[]): Uint8Array {
  return concatBytes(fields.map((field) => field.encoded));
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** UTF-8 text of a length-delimited field. */
export function fieldText(field: WireField): string {
  if (field.payload === undefined) throw new WireFormatError(`field ${field.number} is not length-delimited`);
  return new TextDecoder('utf-8', { fatal: true }).decode(field.payload);
}
