import type { IncomingMessage } from 'node:http';

/** The request body is larger than the service accepts. */
export class RequestBodyTooLargeError extends Error {
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
    this.name = 'RequestBodyTooLargeError';
    this.maxBytes = maxBytes;
  }
}

/**
 * Reads the whole body, up to `maxBytes`. Over the limit it rejects with {@link RequestBodyTooLargeError} once the
 * client has finished sending (the rest is read and dropped, never kept), so the client always gets to read the
 * answer; a body that declares an oversized Content-Length is refused before any byte is read.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume(); // drop whatever arrives
      reject(new RequestBodyTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (tooLarge) reject(new RequestBodyTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks, received));
    });
    request.on('error', reject);
  });
}
