import { ModelLoadError } from '../errors';

/**
 * A minimal protobuf wire-format reader, enough to walk the few ONNX fields the SDK reads itself (metadata,
 * initializer bytes) without a protobuf library: tags, varints, length-delimited ranges, skipping the rest.
 * Every malformed input is a {@link ModelLoadError}.
 */

/** Wire types (protobuf encoding). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/** Protobuf wire-format cursor over `bytes[start, end)`. */
export class WireReader {
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

  /** A varint as an unsigned 64-bit BigInt (int64 fields: negative values are 10-byte two's complement). */
  readVarintBigInt(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.#position >= this.end) throw malformed('truncated varint');
      const byte = this.bytes[this.#position++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw malformed('varint longer than 10 bytes');
  }

  /** Reads `count` raw bytes (fixed32 / fixed64 values) and returns their range. */
  readFixed(count: number): [number, number] {
    const start = this.#position;
    this.#advance(count);
    return [start, start + count];
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

export function malformed(detail: string): ModelLoadError {
  return new ModelLoadError(`not a valid ONNX file (protobuf: ${detail})`);
}
