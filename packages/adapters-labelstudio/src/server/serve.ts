import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@simpleclick/core';
import type { BackendOptions } from '../backend/backend-options';
import { SimpleClickBackend } from '../backend/simpleclick-backend';
import { blockedAddressReason } from '../images/address-policy';
import type { BasicAuthCredentials } from './basic-auth';
import { createRequestListener, DEFAULT_REQUEST_LISTENER_OPTIONS } from './request-listener';

/** Timeouts of the HTTP server (see {@link ServeOptions.timeouts}). */
export interface ServerTimeouts {
  /** Time to receive a whole request, headers and body (default 120 s). */
  readonly requestMs: number;
  /** Time to receive the request headers (default 30 s; at most `requestMs`). */
  readonly headersMs: number;
  /**
   * How long an idle keep-alive connection is kept (default 65 s: longer than the usual 60 s idle timeout of the
   * proxies in front, so that the proxy, not this server, closes it and never sends on a closing socket).
   */
  readonly keepAliveMs: number;
}

/** Options of {@link serve}: the backend's, plus where and how to listen. */
export interface ServeOptions extends BackendOptions {
  /** TCP port (default 9090, the port Label Studio's docs use for ML backends; 0 picks a free one). */
  readonly port?: number;
  /**
   * Interface to listen on (default `127.0.0.1`: this machine only). A container, or a Label Studio on another host,
   * needs `0.0.0.0` (all interfaces) given explicitly; listening beyond loopback without `basicAuth` logs a warning.
   */
  readonly host?: string;
  /** Require HTTP Basic auth with these credentials. */
  readonly basicAuth?: BasicAuthCredentials;
  /** Largest request body (default 16 MiB). */
  readonly maxRequestBytes?: number;
  /** Load the model right after listening instead of on the first `/predict` (default true). */
  readonly preloadModel?: boolean;
  readonly timeouts?: Partial<ServerTimeouts>;
  /**
   * On {@link RunningBackend.close}, how long open requests may take to finish before their connections are cut
   * (default 10 s).
   */
  readonly shutdownGraceMs?: number;
}

/** Defaults of {@link ServeOptions}' listening options. */
export const DEFAULT_SERVE_OPTIONS = Object.freeze({
  port: 9090,
  host: '127.0.0.1',
  preloadModel: true,
  shutdownGraceMs: 10_000,
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the literal Object.freeze infers, in the public type.
  timeouts: Object.freeze({ requestMs: 120_000, headersMs: 30_000, keepAliveMs: 65_000 }) as ServerTimeouts,
});

/** A running backend server. */
export interface RunningBackend {
  /** A URL to reach it from this machine: the bound address, or loopback when bound to all interfaces. */
  readonly url: string;
  /** The address and port really bound, e.g. `0.0.0.0:9090`, `127.0.0.1:41234`, `[::]:9090`. */
  readonly boundAddress: string;
  /** Whether the bound address is reachable from other machines (not a loopback address). */
  readonly beyondLoopback: boolean;
  readonly port: number;
  readonly backend: SimpleClickBackend;
  readonly server: Server;
  /** Requests being answered now. */
  readonly openRequests: number;
  /**
   * Stops: no new connections; idle keep-alive connections are closed at once; open requests may finish for
   * `graceMs` (default `shutdownGraceMs`), after which every remaining connection (a stalled upload, a slow client)
   * is cut; then the model is freed. Calling it again returns the same promise.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the SimpleClick Label Studio ML backend: creates the {@link SimpleClickBackend} (reading only the model's
 * metadata), listens, and, unless `preloadModel` is false, loads the model in the background: `/health` and
 * `/setup` answer at once meanwhile, and a `/predict` waits for the load.
 *
 * ```ts
 * const running = await serve({ model: 'models/simpleclick-xtiny-narrow-finetuned-384.onnx', port: 9090,
 *   labelStudio: { url: 'http://localhost:8080', apiKey: process.env.LABEL_STUDIO_API_KEY } });
 * // Label Studio: Settings > Model > Connect Model > http://<this host>:9090
 * await running.close();
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningBackend> {
  const timeouts = { ...DEFAULT_SERVE_OPTIONS.timeouts, ...options.timeouts };
  const graceDefaultMs = options.shutdownGraceMs ?? DEFAULT_SERVE_OPTIONS.shutdownGraceMs;
  for (const [name, value] of Object.entries({ ...timeouts, shutdownGraceMs: graceDefaultMs })) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new InvalidArgumentError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`);
    }
  }
  const log = options.log ?? (() => undefined);
  const backend = await SimpleClickBackend.create(options);
  let openRequests = 0;
  let closing: Promise<void> | undefined;
  const listener = createRequestListener(backend, {
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_REQUEST_LISTENER_OPTIONS.maxRequestBytes,
    ...(options.basicAuth !== undefined ? { basicAuth: options.basicAuth } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  const server = createServer((request, response) => {
    openRequests++;
    response.once('close', () => {
      openRequests--;
      // A keep-alive connection that just became idle during shutdown is not waited for.
      if (closing !== undefined) server.closeIdleConnections();
    });
    if (closing !== undefined) response.setHeader('connection', 'close');
    listener(request, response);
  });
  server.requestTimeout = timeouts.requestMs;
  server.headersTimeout = Math.min(timeouts.headersMs, timeouts.requestMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;
  // Malformed HTTP gets a plain 400 and the server goes on; a client that went away gets nothing.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? DEFAULT_SERVE_OPTIONS.host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_SERVE_OPTIONS.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await backend.close();
    throw error;
  }
  const bound = server.address() as AddressInfo;
  const boundAddress = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const beyondLoopback = blockedAddressReason(bound.address) !== 'loopback';
  const localHost = wildcard
    ? bound.family === 'IPv6'
      ? '[::1]'
      : '127.0.0.1'
    : bound.family === 'IPv6'
      ? `[${bound.address}]`
      : bound.address;
  if (beyondLoopback && options.basicAuth === undefined) {
    log(
      'warn',
      `listening on ${boundAddress}${wildcard ? ' (all interfaces)' : ''} without authentication: anyone who can reach this port ` +
        'can run the model and make the backend download from Label Studio with its token. Set --basic-auth ' +
        '(or BASIC_AUTH_USER and BASIC_AUTH_PASS) and the same credentials in Label Studio, or listen on 127.0.0.1.',
    );
  }
  if (options.preloadModel ?? DEFAULT_SERVE_OPTIONS.preloadModel) {
    // Failures are logged by the backend and retried by the next /predict.
    backend.warmUp().catch(() => undefined);
  }
  return {
    url: `http://${localHost}:${bound.port}`,
    boundAddress,
    beyondLoopback,
    port: bound.port,
    backend,
    server,
    get openRequests() {
      return openRequests;
    },
    close: (graceMs = graceDefaultMs) => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let deadline: NodeJS.Timeout | undefined;
        const cutOff = new Promise<void>((resolve) => {
          deadline = setTimeout(() => {
            if (openRequests > 0)
              log('warn', `shutdown: cutting ${openRequests} request(s) still open after ${graceMs} ms`);
            server.closeAllConnections();
            resolve();
          }, graceMs);
        });
        await Promise.race([closed, cutOff]);
        clearTimeout(deadline);
        await closed;
        await backend.close();
      })();
      return closing;
    },
  };
}
