import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, InvalidFormatError } from '@simpleclick/core';
import { describeError, errorAnswer } from '../error-response';
import type { CvatInteractor } from '../interactor/cvat-interactor';
import { ClientDisconnectedError, readBody, RequestBodyTooLargeError } from './read-body';
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
  /**
   * Milliseconds a client has to send a whole request (headers and body); then its connection is closed
   * (`server.requestTimeout`). Long enough for a 32 MB frame over a slow link; bounds a stalled upload.
   */
  readonly requestTimeoutMs: number;
  /** Milliseconds a client has to send the request headers (`server.headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection stays open (`server.keepAliveTimeout`). */
  readonly keepAliveTimeoutMs: number;
  /**
   * On close (SIGTERM): milliseconds in-flight requests get to finish before every connection still open
   * (stalled uploads included) is closed.
   */
  readonly shutdownGraceMs: number;
}

/** Defaults of {@link CvatHttpServiceOptions}. */
export const DEFAULT_CVAT_HTTP_SERVICE_OPTIONS: Readonly<CvatHttpServiceOptions> = Object.freeze({
  maxBodyBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  shutdownGraceMs: 10_000,
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

    if (path === '/health') {
      if (request.method === 'GET' || request.method === 'HEAD') {
        sendJson(response, 200, healthBody(interactor));
        done(200, 'health');
      } else {
        // The route exists, the method does not: 405 with Allow, as HTTP says (CVAT's tools probe with POST).
        request.resume();
        response.setHeader('allow', 'GET, HEAD');
        sendJson(response, 405, {
          error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} /health: use GET` },
        });
        done(405, '');
      }
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
          if (error instanceof ClientDisconnectedError) {
            // Nobody to answer; one line, no stack (a client closing its tab is not a server fault).
            done(0, `client disconnected: ${error.message}`);
            return;
          }
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

/**
 * A `node:http` server with {@link createCvatRequestListener} and the request, header and keep-alive timeouts of
 * `options`; call `listen` on it.
 */
export function createCvatHttpServer(
  interactor: CvatInteractor,
  options: Partial<CvatHttpServiceOptions> = {},
): Server {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = resolveServiceOptions(options);
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      keepAliveTimeout: keepAliveTimeoutMs,
    },
    createCvatRequestListener(interactor, options),
  );
  // No socket inactivity timeout: a long replay computes without traffic; stalled uploads end at requestTimeout.
  return server;
}

function resolveServiceOptions(options: Partial<CvatHttpServiceOptions>): CvatHttpServiceOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: CvatHttpServiceOptions = { ...DEFAULT_CVAT_HTTP_SERVICE_OPTIONS, ...defined };
  for (const name of ['requestTimeoutMs', 'headersTimeoutMs', 'keepAliveTimeoutMs', 'shutdownGraceMs'] as const) {
    const value = resolved[name];
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new InvalidArgumentError(`${name} must be a number >= 0, got ${String(value)}`);
    }
  }
  return resolved;
}

/** A started service. */
export interface RunningCvatHttpService {
  readonly server: Server;
  /**
   * `http://host:port` it listens on (the real port when 0 was asked), or `unix:PATH` on a Unix socket (what the
   * nuclio function's Python handler talks to inside the container).
   */
  readonly url: string;
  /**
   * Graceful stop: stops accepting connections, closes idle keep-alive connections, lets in-flight requests
   * finish, and after `shutdownGraceMs` closes whatever is still open (stalled uploads); then closes the
   * interactor. Idempotent.
   */
  close(): Promise<void>;
}

/** Where the service listens: a TCP port (0: any free port) on `host`, or a Unix socket path. */
export type CvatListenAddress = { readonly port: number; readonly host: string } | { readonly socketPath: string };

/** Creates the server and listens on `listenOn`. */
export function startCvatHttpService(
  interactor: CvatInteractor,
  listenOn: CvatListenAddress,
  options: Partial<CvatHttpServiceOptions> = {},
): Promise<RunningCvatHttpService> {
  const { shutdownGraceMs } = resolveServiceOptions(options);
  const server = createCvatHttpServer(interactor, options);
  const shutdown = { closing: false };
  // A keep-alive connection whose last request finishes while closing is idle from then on: close it at once.
  server.on('request', (_request, response) =>
    response.once('close', () => {
      if (shutdown.closing) setImmediate(() => server.closeIdleConnections());
    }),
  );
  return new Promise((resolve, reject) => {
    const onListening = () => {
      server.off('error', reject);
      let stopping: Promise<void> | undefined;
      const close = () => {
        shutdown.closing = true;
        return closeGracefully(server, shutdownGraceMs).then(() => interactor.close());
      };
      resolve({ server, url: urlOf(server), close: () => (stopping ??= close()) });
    };
    server.once('error', reject);
    if ('socketPath' in listenOn) server.listen(listenOn.socketPath, onListening);
    else server.listen(listenOn.port, listenOn.host, onListening);
  });
}

function urlOf(server: Server): string {
  const address = server.address();
  if (typeof address === 'string') return `unix:${address}`;
  const { address: ip, family, port } = address as AddressInfo;
  return `http://${family === 'IPv6' ? `[${ip}]` : ip}:${port}`;
}

/** Resolves once every connection is closed: idle ones at once, busy ones when done or after `graceMs`. */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((done) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      done();
    });
    server.closeIdleConnections();
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new InvalidFormatError(`the request body is not JSON: ${(cause as Error).message}`, { cause });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}
