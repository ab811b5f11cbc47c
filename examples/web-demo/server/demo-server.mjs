// @ts-check
// The demo's HTTP server (node:http, no framework): the page, its two bundles, onnxruntime-web's runtime files,
// the models folder and the example images, each with its content type, and with the headers that make the page
// cross-origin isolated (COOP/COEP), which onnxruntime-web needs for WebAssembly threads (SharedArrayBuffer).
// Only GET and HEAD of a fixed set of folders and file patterns are answered: nothing else of the disk is reachable.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CachedBundle, CORE_MODULE_PATH, ORT_MODULE_PATH } from './browser-bundles.mjs';
import { mimeTypeOf } from './mime-types.mjs';
import { ModelManifestReader } from './model-manifest.mjs';

const DEMO_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = join(DEMO_DIRECTORY, '..', '..');

/** Where everything the server sends comes from. */
export const DEMO_PATHS = Object.freeze({
  demo: DEMO_DIRECTORY,
  repoRoot: REPO_ROOT,
  coreWebBundle: join(REPO_ROOT, 'packages', 'core', 'dist', 'web.mjs'),
  coreIndexBundle: join(REPO_ROOT, 'packages', 'core', 'dist', 'index.mjs'),
  ortDist: join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist'),
  models: join(REPO_ROOT, 'models'),
  exampleImages: join(REPO_ROOT, 'examples', 'images'),
});

/**
 * @typedef {object} DemoServerOptions
 * @property {string} [host] Interface to listen on; default 127.0.0.1 (browsers give threads and WebGPU only to
 *   secure contexts: http://localhost or https).
 * @property {number} [port] Default 8177; 0 picks a free port.
 * @property {boolean} [crossOriginIsolation] Send COOP/COEP (default true). false shows what happens without:
 *   onnxruntime-web then runs one WebAssembly thread.
 * @property {string} [modelsDirectory] Default: the repository's models/ folder.
 */

/** Defaults of {@link DemoServerOptions}. */
export const DEFAULT_DEMO_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 8177,
  crossOriginIsolation: true,
  modelsDirectory: DEMO_PATHS.models,
});

/**
 * @typedef {object} DemoServer
 * @property {string} url Base URL, ending in '/'.
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/** Thrown when the SDK bundle or onnxruntime-web is missing; the message says what to run. */
export class DemoSetupError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DemoSetupError';
  }
}

/** Static files of the demo folder, by URL path. */
const DEMO_FILES = Object.freeze({
  '/': 'index.html',
  '/index.html': 'index.html',
  '/sandbox.html': 'sandbox.html',
  '/style.css': 'style.css',
});

/** A plain file name with one of the extensions a folder may serve (no slashes, no leading dot). */
const ORT_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(mjs|wasm|map)$/;
const MODEL_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(onnx|onnx\.data|data|md)$/;
const IMAGE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(png|jpe?g|webp)$/;

/**
 * Starts the demo server.
 * @param {DemoServerOptions} [options]
 * @returns {Promise<DemoServer>}
 * @throws {DemoSetupError} when `npm run build` has not run or onnxruntime-web is not installed.
 */
export async function startDemoServer(options = {}) {
  const { host, port, crossOriginIsolation, modelsDirectory } = { ...DEFAULT_DEMO_SERVER_OPTIONS, ...options };
  if (!existsSync(DEMO_PATHS.coreWebBundle) || !existsSync(DEMO_PATHS.coreIndexBundle)) {
    throw new DemoSetupError(
      `the SDK is not built (${DEMO_PATHS.coreWebBundle} is missing): run \`npm run build\` at the repository root first`,
    );
  }
  if (!existsSync(join(DEMO_PATHS.ortDist, 'ort.min.mjs'))) {
    throw new DemoSetupError(`onnxruntime-web is not installed (${DEMO_PATHS.ortDist}): run \`npm ci\` first`);
  }
  const core = await import(DEMO_PATHS.coreIndexBundle);
  const manifestReader = new ModelManifestReader(modelsDirectory, core);
  const coreBundle = new CachedBundle({
    input: DEMO_PATHS.coreWebBundle,
    externals: { 'onnxruntime-web': `.${ORT_MODULE_PATH}` }, // core/web.mjs sits one folder down
  });
  const appBundle = new CachedBundle({
    input: join(DEMO_PATHS.demo, 'src', 'main.ts'),
    externals: { '@simpleclick/core/web': CORE_MODULE_PATH, 'onnxruntime-web': ORT_MODULE_PATH },
  });

  /** @type {Record<string, string>} */
  const commonHeaders = {
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (crossOriginIsolation) {
    commonHeaders['Cross-Origin-Opener-Policy'] = 'same-origin';
    commonHeaders['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      console.error(`demo server: ${request.url}: ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `server error: ${String(error)}\n`);
      else response.destroy();
    });
  });

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   */
  async function handle(request, response) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    const path = decodePath(request.url ?? '/');
    if (path === undefined) {
      send(response, 400, 'text/plain; charset=utf-8', 'bad path\n');
      return;
    }
    const demoFile = /** @type {Record<string, string>} */ (DEMO_FILES)[path];
    if (demoFile !== undefined) return sendFile(request, response, join(DEMO_PATHS.demo, demoFile));
    if (path === '/app.mjs') return send(response, 200, mimeTypeOf(path), await appBundle.code(), request);
    if (path === '/core/web.mjs') return send(response, 200, mimeTypeOf(path), await coreBundle.code(), request);
    if (path === '/models/manifest.json') {
      return send(response, 200, mimeTypeOf(path), `${JSON.stringify(manifestReader.read(), null, 2)}\n`, request);
    }
    const folders = /** @type {const} */ ([
      ['/ort/', DEMO_PATHS.ortDist, ORT_FILE],
      ['/models/', modelsDirectory, MODEL_FILE],
      ['/examples/images/', DEMO_PATHS.exampleImages, IMAGE_FILE],
    ]);
    for (const [prefix, directory, pattern] of folders) {
      if (!path.startsWith(prefix)) continue;
      const name = path.slice(prefix.length);
      if (pattern.test(name)) return sendFile(request, response, join(directory, name));
    }
    send(response, 404, 'text/plain; charset=utf-8', `not found: ${path}\n`);
  }

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {number} status
   * @param {string | undefined} contentType
   * @param {string} body
   * @param {import('node:http').IncomingMessage} [request]
   */
  function send(response, status, contentType, body, request) {
    response.writeHead(status, {
      ...commonHeaders,
      'Content-Type': contentType ?? 'application/octet-stream',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(request?.method === 'HEAD' ? undefined : body);
  }

  /**
   * Streams a file, answering 304 when the browser's copy is current (the .wasm and model files are large).
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @param {string} file
   */
  function sendFile(request, response, file) {
    /** @type {import('node:fs').Stats} */
    let info;
    try {
      info = statSync(file);
    } catch {
      send(response, 404, 'text/plain; charset=utf-8', `not found: ${request.url}\n`);
      return;
    }
    if (!info.isFile()) {
      send(response, 404, 'text/plain; charset=utf-8', `not found: ${request.url}\n`);
      return;
    }
    const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
    const since = request.headers['if-modified-since'];
    if (since !== undefined && Date.parse(since) >= Date.parse(lastModified)) {
      response.writeHead(304, { ...commonHeaders, 'Last-Modified': lastModified });
      response.end();
      return;
    }
    response.writeHead(200, {
      ...commonHeaders,
      'Content-Type': mimeTypeOf(file) ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Last-Modified': lastModified,
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${urlHost}:${boundPort}/`,
    port: boundPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The URL's path, percent-decoded, or undefined when it is malformed or tries to leave its folder.
 * @param {string} url
 * @returns {string | undefined}
 */
function decodePath(url) {
  let path;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').some((part) => part === '..')) return undefined;
  return path;
}
