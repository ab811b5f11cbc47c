import type { IncomingMessage } from 'node:http';
import { badRequest, BackendError } from '../errors/backend-error';

/**
 * Reads and parses a JSON request body of at most `maxBytes`. Over the limit it stops keeping the bytes and
 * rejects at once; the rest of the body is drained so that the 413 answer reaches the client (answer with
 * `Connection: close`).
 * @throws BackendError 413 over the limit, 400 for an empty body or malformed JSON, 499 `CLIENT_CLOSED_REQUEST`
 *   when the client went away before sending the whole body (nobody is left to answer: log it and move on).
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      request.resume();
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      total += chunk.length;
      if (total > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    const gone = () =>
      new BackendError(
        499,
        'CLIENT_CLOSED_REQUEST',
        `client closed the connection before its request body was complete (${total} of ${Number.isFinite(declared) ? declared : '?'} bytes)`,
      );
    request.on('error', (error) =>
      reject(
        request.complete ? badRequest(`reading the request body failed: ${error.message}`, { cause: error }) : gone(),
      ),
    );
    request.on('close', () => {
      if (!request.complete) reject(gone());
    });
    request.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks, total).toString('utf8');
      if (text.trim() === '') {
        reject(badRequest('the request body is empty; expected JSON'));
        return;
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch (cause) {
        reject(badRequest(`the request body is not valid JSON: ${(cause as Error).message}`, { cause }));
      }
    });
  });
}

function tooLarge(maxBytes: number): BackendError {
  return new BackendError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`);
}
