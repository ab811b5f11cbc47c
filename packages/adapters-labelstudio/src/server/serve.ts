import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BackendOptions } from '../backend/backend-options';
import { SimpleClickBackend } from '../backend/simpleclick-backend';
import type { BasicAuthCredentials } from './basic-auth';
import { createRequestListener, DEFAULT_REQUEST_LISTENER_OPTIONS } from './request-listener';

/** Options of {@link serve}: the backend's, plus where and how to listen. */
export interface ServeOptions extends BackendOptions {
  /** TCP port (default 9090, the port Label Studio's docs use for ML backends; 0 picks a free one). */
  readonly port?: number;
  /** Interface to listen on (default `0.0.0.0`: reachable from a Label Studio container or another host). */
  readonly host?: string;
  /** Require HTTP Basic auth with these credentials. */
  readonly basicAuth?: BasicAuthCredentials;
  /** Largest request body (default 16 MiB). */
  readonly maxRequestBytes?: number;
  /** Load the model right after listening instead of on the first `/predict` (default true). */
  readonly preloadModel?: boolean;
}

/** Defaults of {@link ServeOptions}' listening options. */
export const DEFAULT_SERVE_OPTIONS = Object.freeze({ port: 9090, host: '0.0.0.0', preloadModel: true });

/** A running backend server. */
export interface RunningBackend {
  /** `http://host:port` as bound (with `0.0.0.0` shown as `127.0.0.1`). */
  readonly url: string;
  readonly port: number;
  readonly backend: SimpleClickBackend;
  readonly server: Server;
  /** Stops accepting connections, waits for open requests, frees the model. */
  close(): Promise<void>;
}

/**
 * Starts the SimpleClick Label Studio ML backend: creates the {@link SimpleClickBackend} (reading only the model's
 * metadata), listens, and, unless `preloadModel` is false, loads the model in the background: `/health` and
 * `/setup` answer at once meanwhile, and a `/predict` waits for the load.
 *
 * ```ts
 * const running = await serve({ model: 'models/simpleclick-xtiny-narrow-scratch-256.onnx', port: 9090,
 *   labelStudio: { url: 'http://localhost:8080', apiKey: process.env.LABEL_STUDIO_API_KEY } });
 * // Label Studio: Settings > Model > Connect Model > http://<this host>:9090
 * await running.close();
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningBackend> {
  const backend = await SimpleClickBackend.create(options);
  const server = createServer(
    createRequestListener(backend, {
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_REQUEST_LISTENER_OPTIONS.maxRequestBytes,
      ...(options.basicAuth !== undefined ? { basicAuth: options.basicAuth } : {}),
      ...(options.log !== undefined ? { log: options.log } : {}),
    }),
  );
  // Malformed HTTP gets a plain 400 and the server goes on.
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
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  if (options.preloadModel ?? DEFAULT_SERVE_OPTIONS.preloadModel) {
    // Failures are logged by the backend and retried by the next /predict.
    backend.warmUp().catch(() => undefined);
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    backend,
    server,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await backend.close();
      })();
      return closing;
    },
  };
}
