import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, InvalidFormatError } from '@simpleclick/core';
import { describeError, errorAnswer, type ErrorBody } from '../error-response';
import type { CvatInteractor } from '../interactor/cvat-interactor';
import { readBody, RequestBodyTooLargeError } from './read-body';
import { healthBody } from '../health';

/** Options of the HTTP service. */
export interface CvatHttpServiceOptions {
  /**
   * Largest request body in bytes. CVAT sends the frame as base64 (4/3 of the file size); its own functions let
   * nuclio accept 32 MB. Larger bodies get 413.
   */
  readonly maxBodyBytes: number;
  /** Where one line per request goes (method, path, status, how it was served, time); default nowhere. */
  readonly log?: (line: string) => void;
}

/** Defaults of {@link CvatHttpServiceOptions}. */
export const DEFAULT_CVAT_HTTP_SERVICE_OPTIONS: Readonly<CvatHttpServiceOptions> = Object.freeze({
  maxBodyBytes: 64 * 1024 * 1024,
});

/**
 * The request listener of the service, for mounting in any `node:http` server:
 * - `POST /` with a CVAT interactor request body (JSON) answers `{mask, bounds, points}` (200), or
 *   `{error: {code, message}}` with 400 (malformed request, bad image, point outside the frame), 413 (body or
 *   frame too large), 500 (model failure) or 503 (closed);
 * - `GET /health` answers 200 with the model's description.
 * Response headers `x-simpleclick-interaction` and `x-simpleclick-model-runs` say how a request was served.
 */
export function createCvatRequestListener(
  interactor: CvatInteractor,
  options: Partial<CvatHttpServiceOptions> = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const { maxBodyBytes, log } = { ...DEFAULT_CVAT_HTTP_SERVICE_OPTIONS, ...options };
  if (!(typeof maxBodyBytes === 'number' && maxBodyBytes > 0)) {
    throw new InvalidArgumentError(`maxBodyBytes must be a number > 0, got ${String(maxBodyBytes)}`);
  }
  return (request, response) => {
    const startMs = performance.now();
    const path = (request.url ?? '/').split('?')[0];
    const done = (status: number, note: string) =>
      log?.(`${request.method} ${path} ${status} ${note} ${(performance.now() - startMs).toFixed(0)}ms`);

    if (path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      sendJson(response, 200, healthBody(interactor));
      done(200, 'health');
      return;
    }
    if (path !== '/') {
      sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${path}: POST / or GET /health` } });
      done(404, '');
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      sendJson(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} /: use POST` } });
      done(405, '');
      return;
    }
    readBody(request, maxBodyBytes)
      .then((bytes) => interactor.handle(parseJson(bytes)))
      .then(
        (interaction) => {
          response.setHeader('x-simpleclick-interaction', interaction.kind);
          response.setHeader('x-simpleclick-model-runs', String(interaction.modelRuns));
          sendJson(response, 200, interaction.result);
          done(200, `${interaction.kind} runs=${interaction.modelRuns} clicks=${interaction.clicks.length}`);
        },
        (error: unknown) => {
          if (error instanceof RequestBodyTooLargeError) {
            response.setHeader('connection', 'close');
            sendJson(response, 413, { error: { code: 'BODY_TOO_LARGE', message: error.message } });
            done(413, error.message);
            return;
          }
          const answer = errorAnswer(error);
          sendJson(response, answer.status, answer.body);
          done(answer.status, describeError(error));
        },
      )
      .catch((error: unknown) => {
        // Only a failure to write the answer gets here (the client went away): nothing to answer.
        done(0, `cannot answer: ${describeError(error)}`);
      });
  };
}

/** A `node:http` server with {@link createCvatRequestListener}; call `listen` on it. */
export function createCvatHttpServer(interactor: CvatInteractor, options: Partial<CvatHttpServiceOptions> = {}): Server {
  return createServer(createCvatRequestListener(interactor, options));
}

/** A started service. */
export interface RunningCvatHttpService {
  readonly server: Server;
  /** `http://host:port` it listens on (the real port when 0 was asked). */
  readonly url: string;
  /** Stops accepting connections, waits for open ones, then closes the interactor. */
  close(): Promise<void>;
}

/** Creates the server and listens on `port` (0: any free port) and `host`. */
export function startCvatHttpService(
  interactor: CvatInteractor,
  listenOn: { readonly port: number; readonly host: string },
  options: Partial<CvatHttpServiceOptions> = {},
): Promise<RunningCvatHttpService> {
  const server = createCvatHttpServer(interactor, options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenOn.port, listenOn.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${host}:${address.port}`,
        close: async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          });
          await interactor.close();
        },
      });
    });
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new InvalidFormatError(`the request body is not JSON: ${(cause as Error).message}`, { cause });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown | ErrorBody): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}
