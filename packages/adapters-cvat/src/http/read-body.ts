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
 * The client closed the connection before its body was complete (it gave up, or the server timed the upload out).
 * Nobody is left to answer: the service logs one line and moves on.
 */
export class ClientDisconnectedError extends Error {
  /** Bytes of the body received before the connection closed. */
  readonly receivedBytes: number;

  constructor(receivedBytes: number, options?: { cause?: unknown }) {
    super(`the client disconnected after ${receivedBytes} bytes of the body`, options);
    this.name = 'ClientDisconnectedError';
    this.receivedBytes = receivedBytes;
  }
}

/**
 * Reads the whole body, up to `maxBytes`. Over the limit it rejects with {@link RequestBodyTooLargeError} once the
 * client has finished sending (the rest is read and dropped, never kept), so the client always gets to read the
 * answer; a body that declares an oversized Content-Length is refused before any byte is read. A connection that
 * closes mid-body rejects with {@link ClientDisconnectedError}.
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
    let ended = false;
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
      ended = true;
      if (tooLarge) reject(new RequestBodyTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks, received));
    });
    // Node reports a mid-body disconnect as an 'error' ("aborted", ECONNRESET) and/or a 'close' without 'end';
    // both become one typed error (the promise settles once).
    request.on('error', (cause) => reject(new ClientDisconnectedError(received, { cause })));
    request.on('close', () => {
      if (!ended) reject(new ClientDisconnectedError(received));
    });
  });
}
