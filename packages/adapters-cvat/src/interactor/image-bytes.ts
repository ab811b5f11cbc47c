import { createHash } from 'node:crypto';
import { InvalidFormatError } from '@simpleclick/core';

/** Optional `data:image/png;base64,` prefix of a data URL. */
const DATA_URL_PREFIX = /^data:[^,;]*(;[^,;]*)*;base64,/i;
/** Standard or URL-safe alphabet, optional padding. */
const BASE64_TEXT = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * The bytes of the base64 `image` field. Strict where Node's own decoder is lenient (it skips characters it
 * does not know), so a truncated or garbled field fails here with a clear message instead of later as a
 * corrupt image. Whitespace and a `data:...;base64,` prefix are allowed.
 *
 * @throws InvalidFormatError when the text is not base64 or decodes to nothing.
 */
export function decodeBase64Image(text: string): Uint8Array {
  const payload = text.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (!BASE64_TEXT.test(payload) || payload.replace(/=+$/, '').length % 4 === 1) {
    throw new InvalidFormatError('"image" is not valid base64');
  }
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0) throw new InvalidFormatError('"image" decodes to no bytes');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * SHA-256 of the encoded image bytes, hex: the key of the per-image caches. CVAT re-sends the same frame bytes
 * for every click on it, and two different frames colliding is not a practical concern.
 */
export function hashImageBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
