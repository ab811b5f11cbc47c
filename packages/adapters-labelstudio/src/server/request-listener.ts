import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BackendLog } from '../backend/backend-options';
import type { SimpleClickBackend } from '../backend/simpleclick-backend';
import { BackendError, toBackendError } from '../errors/backend-error';
import { basicAuthMatches, type BasicAuthCredentials } from './basic-auth';
import { readJsonBody } from './read-json-body';

/** Options of {@link createRequestListener}. */
export interface RequestListenerOptions {
  /** Require these HTTP Basic credentials on every request (default: none). */
  readonly basicAuth?: BasicAuthCredentials;
  /** Largest request body accepted (default 16 MiB). */
  readonly maxRequestBytes: number;
  /** Where request failures are reported (default: nowhere). */
  readonly log?: BackendLog;
}

/** Defaults of {@link RequestListenerOptions}. */
export const DEFAULT_REQUEST_LISTENER_OPTIONS: RequestListenerOptions = Object.freeze({
  maxRequestBytes: 16 * 1024 * 1024,
});

/** The endpoints, by the last segment of the path. */
const ENDPOINTS = {
  health: 'GET',
  metrics: 'GET',
  setup: 'POST',
  predict: 'POST',
  webhook: 'POST',
} as const;
type Endpoint = keyof typeof ENDPOINTS;

/**
 * The HTTP side of the ML backend, for `http.createServer` (see `serve`) or any server that takes a Node request
 * listener. Routes on the last path segment, so the backend works behind any path prefix
 * (`http://host:9090/simpleclick/predict`): `GET /health` (and `GET /`), `GET /metrics`, `POST /setup`,
 * `POST /predict`, `POST /webhook` (201). Every answer is JSON; failures are
 * `{"status": "error", "code": ..., "error": message}` with a 4xx or 5xx status, and the server keeps serving.
 */
export function createRequestListener(
  backend: SimpleClickBackend,
  options: Partial<RequestListenerOptions> = {},
): RequestListener {
  const { basicAuth, maxRequestBytes, log } = { ...DEFAULT_REQUEST_LISTENER_OPTIONS, ...options };
  const report = log ?? (() => undefined);
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      const failure = toBackendError(error);
      const where = `${request.method ?? '?'} ${pathOf(request)}`;
      if (failure.code === 'CLIENT_CLOSED_REQUEST') {
        // Not the backend's failure and nobody to answer: one line, no stack.
        report('info', `${where}: ${failure.message}`);
        response.destroy();
        return;
      }
      if (UPSTREAM_CODES.has(failure.code)) {
        // Image hosts and Label Studio failing are not bugs here: one line, with the cause the client is not told
        // (which address was refused and why, the network error).
        report('warn', `${where}: ${failure.status} ${failure.message}${causeOf(failure.cause)}`);
      } else if (failure.status >= 500)
        report('error', `${where}: ${failure.status} ${failure.message}${stackOf(failure.cause)}`);
      else report('warn', `${where}: ${failure.status} ${failure.message}`);
      const headers: Record<string, string> = { ...failure.headers };
      if (failure.status === 413) headers.connection = 'close';
      sendJson(
        request,
        response,
        failure.status,
        { status: 'error', code: failure.code, error: failure.message },
        headers,
      );
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (basicAuth !== undefined && !basicAuthMatches(request.headers.authorization, basicAuth)) {
      request.resume();
      throw new BackendError(
        401,
        'UNAUTHORIZED',
        'HTTP Basic credentials required (the backend was started with --basic-auth)',
        {
          headers: { 'www-authenticate': 'Basic realm="SimpleClick ML backend"' },
        },
      );
    }
    const path = pathOf(request);
    const endpoint = endpointOf(path);
    if (endpoint === undefined) {
      request.resume();
      throw new BackendError(
        404,
        'NOT_FOUND',
        `no endpoint at ${path} (use /health, /setup, /predict, /webhook, /metrics)`,
      );
    }
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (method !== ENDPOINTS[endpoint]) {
      request.resume();
      throw new BackendError(
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on /${endpoint}; use ${ENDPOINTS[endpoint]}`,
        {
          headers: { allow: ENDPOINTS[endpoint] === 'GET' ? 'GET, HEAD' : 'POST' },
        },
      );
    }
    switch (endpoint) {
      case 'health':
        request.resume();
        sendJson(request, response, 200, backend.health());
        return;
      case 'metrics':
        request.resume();
        sendJson(request, response, 200, backend.stats());
        return;
      case 'setup':
        sendJson(request, response, 200, backend.setup(await readJsonBody(request, maxRequestBytes)));
        return;
      case 'predict':
        sendJson(request, response, 200, await backend.predict(await readJsonBody(request, maxRequestBytes)));
        return;
      case 'webhook':
        sendJson(request, response, 201, backend.webhook(await readJsonBody(request, maxRequestBytes)));
        return;
    }
  }
}

/** The endpoint a path names: its last segment, or `health` for the root. */
function endpointOf(path: string): Endpoint | undefined {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return 'health';
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return Object.hasOwn(ENDPOINTS, last) ? (last as Endpoint) : undefined;
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://backend').pathname;
  } catch {
    return '/';
  }
}

function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}

/** Codes of failures outside the backend (downloads, Label Studio's token exchange). */
const UPSTREAM_CODES: ReadonlySet<string> = new Set(['IMAGE_FETCH', 'IMAGE_FETCH_TIMEOUT', 'LABEL_STUDIO_AUTH']);

function causeOf(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const inner = (cause as { cause?: unknown }).cause;
  return ` (${cause.message}${inner instanceof Error ? `: ${inner.message}` : ''})`.replace(/\s*\n\s*/g, ' ');
}

function stackOf(cause: unknown): string {
  return cause instanceof Error && cause.stack !== undefined ? `\n${cause.stack}` : '';
}
