// Test-only: a MessagePack encoder for the values a nuclio event holds (maps with string keys, strings, byte
// strings, integers, null, booleans, lists), written from the MessagePack spec (github.com/msgpack/msgpack/spec.md).

/** A value {@link encodeMsgpack} can write. */
export type MsgpackValue =
  null | boolean | number | string | Uint8Array | readonly MsgpackValue[] | { readonly [key: string]: MsgpackValue };

/** Encodes `value` as MessagePack (integers must be safe integers; no floats are needed for events). */
export function encodeMsgpack(value: MsgpackValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function header(length: number, small: [limit: number, base: number] | null, tags: [number, number, number]): Buffer {
  if (small !== null && length < small[0]) return Buffer.from([small[1] | length]);
  if (length < 0x100 && tags[0] !== 0) return Buffer.from([tags[0], length]);
  if (length < 0x10000) {
    const buffer = Buffer.alloc(3);
    buffer[0] = tags[1];
    buffer.writeUInt16BE(length, 1);
    return buffer;
  }
  const buffer = Buffer.alloc(5);
  buffer[0] = tags[2];
  buffer.writeUInt32BE(length, 1);
  return buffer;
}

function write(value: MsgpackValue, parts: Buffer[]): void {
  if (value === null) parts.push(Buffer.from([0xc0]));
  else if (value === false) parts.push(Buffer.from([0xc2]));
  else if (value === true) parts.push(Buffer.from([0xc3]));
  else if (typeof value === 'number') parts.push(encodeInteger(value));
  else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    parts.push(header(bytes.length, [32, 0xa0], [0xd9, 0xda, 0xdb]), bytes);
  } else if (value instanceof Uint8Array) {
    parts.push(
      header(value.length, null, [0xc4, 0xc5, 0xc6]),
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    );
  } else if (Array.isArray(value)) {
    parts.push(header(value.length, [16, 0x90], [0, 0xdc, 0xdd]));
    for (const item of value as readonly MsgpackValue[]) write(item, parts);
  } else {
    const entries = Object.entries(value as { [key: string]: MsgpackValue });
    parts.push(header(entries.length, [16, 0x80], [0, 0xde, 0xdf]));
    for (const [key, item] of entries) {
      write(key, parts);
      write(item, parts);
    }
  }
}

function encodeInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new Error(`msgpack-encode: only safe integers, got ${value}`);
  if (value >= 0 && value < 0x80) return Buffer.from([value]);
  if (value < 0 && value >= -32) return Buffer.from([0xe0 | (value + 32)]);
  const buffer = Buffer.alloc(9);
  buffer[0] = 0xd3; // int 64
  buffer.writeBigInt64BE(BigInt(value), 1);
  return buffer;
}
