// @ts-check
// The HTTP server of the Label Studio embedding example (node:http, no framework). It reuses the browser demo's
// pieces (examples/web-demo/server): the in-memory rolldown bundles, the content types and the models manifest,
// and serves, with the COOP/COEP headers onnxruntime-web needs for WebAssembly threads:
//
//   /, /index.html          the page
//   /app.mjs                src/main.ts bundled with @simpleclick/adapters-labelstudio/browser (its built
//                           dist/browser.mjs, as an npm user gets it, and saxes); the SDK and onnxruntime-web stay
//                           outside, imported from ./core/web.mjs and ./ort/ort.min.mjs (one instance of each)
//   /core/web.mjs           the built SDK (packages/core/dist/web.mjs) bundled for the browser
//   /ort/*                  onnxruntime-web's runtime files
//   /ls/*                   the Label Studio frontend build (node_modules/@heartexlabs/label-studio/build/static)
//   /models/*, /models/manifest.json, /examples/images/*   as in the browser demo
//
// Only GET and HEAD of these are answered; nothing else of the disk is reachable.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CachedBundle, CORE_MODULE_PATH, ORT_MODULE_PATH } from '../../web-demo/server/browser-bundles.mjs';
import { DEMO_PATHS, DemoSetupError } from '../../web-demo/server/demo-server.mjs';
import { mimeTypeOf } from '../../web-demo/server/mime-types.mjs';
import { ModelManifestReader } from '../../web-demo/server/model-manifest.mjs';

const EXAMPLE_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the files this server sends come from (besides the browser demo's DEMO_PATHS). */
export const LABEL_STUDIO_EMBED_PATHS = Object.freeze({
  example: EXAMPLE_DIRECTORY,
  pluginBundle: join(DEMO_PATHS.repoRoot, 'packages', 'adapters-labelstudio', 'dist', 'browser.mjs'),
  labelStudioBuild: join(DEMO_PATHS.repoRoot, 'node_modules', '@heartexlabs', 'label-studio', 'build', 'static'),
});

/**
 * @typedef {object} LabelStudioEmbedServerOptions
 * @property {string} [host] Default 127.0.0.1 (WebAssembly threads need a secure context: localhost or https).
 * @property {number} [port] Default 8178; 0 picks a free port.
 * @property {string} [modelsDirectory] Default: the repository's models/ folder.
 */

/** Defaults of {@link LabelStudioEmbedServerOptions}. */
export const DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 8178,
  modelsDirectory: DEMO_PATHS.models,
});

/**
 * @typedef {object} LabelStudioEmbedServer
 * @property {string} url Base URL, ending in '/'.
 * @property {number} port
 * @property {() => Promise<void>} close
 */

/** Files of the example folder, by URL path. */
const EXAMPLE_FILES = Object.freeze({ '/': 'index.html', '/index.html': 'index.html', '/style.css': 'style.css' });

/** A plain file name with an extension its folder may serve (no slashes, no leading dot). */
const ORT_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(mjs|wasm|map)$/;
const MODEL_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(onnx|onnx\.data|data|md)$/;
const IMAGE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(png|jpe?g|webp)$/;
/** The Label Studio build: js/ and css/ (the bundle, its stylesheet, their source maps and licence notice). */
const LABEL_STUDIO_FILE = /^(js|css)\/[A-Za-z0-9_][A-Za-z0-9_.-]*\.(js|css|map|txt)$/;

/**
 * Why the example cannot be served (what to run), or undefined when everything it needs is there.
 * @returns {string | undefined}
 */
export function labelStudioEmbedSetupProblem() {
  if (!existsSync(DEMO_PATHS.coreWebBundle) || !existsSync(LABEL_STUDIO_EMBED_PATHS.pluginBundle)) {
    return `the SDK or the plugin is not built (${LABEL_STUDIO_EMBED_PATHS.pluginBundle}): run \`npm run build\` at the repository root first`;
  }
  if (!existsSync(join(DEMO_PATHS.ortDist, 'ort.min.mjs'))) return `onnxruntime-web is not installed (${DEMO_PATHS.ortDist}): run \`npm ci\` first`;
  if (!existsSync(join(LABEL_STUDIO_EMBED_PATHS.labelStudioBuild, 'js', 'main.js'))) {
    return (
      `the Label Studio frontend is not installed (${LABEL_STUDIO_EMBED_PATHS.labelStudioBuild}): run \`npm ci\` ` +
      '(it is a devDependency of @simpleclick/adapters-labelstudio)'
    );
  }
  return undefined;
}

/**
 * Starts the server.
 * @param {LabelStudioEmbedServerOptions} [options]
 * @returns {Promise<LabelStudioEmbedServer>}
 * @throws {DemoSetupError} when something it serves is not built or installed.
 */
export async function startLabelStudioEmbedServer(options = {}) {
  const { host, port, modelsDirectory } = { ...DEFAULT_LABEL_STUDIO_EMBED_SERVER_OPTIONS, ...options };
  const problem = labelStudioEmbedSetupProblem();
  if (problem !== undefined) throw new DemoSetupError(problem);
  const core = await import(DEMO_PATHS.coreIndexBundle);
  const manifestReader = new ModelManifestReader(modelsDirectory, core);
  const coreBundle = new CachedBundle({
    input: DEMO_PATHS.coreWebBundle,
    externals: { 'onnxruntime-web': `.${ORT_MODULE_PATH}` }, // core/web.mjs sits one folder down
  });
  // The plugin imports @simpleclick/core (and /web): both are the page's one SDK instance, core/web.mjs.
  const appBundle = new CachedBundle({
    input: join(EXAMPLE_DIRECTORY, 'src', 'main.ts'),
    externals: {
      '@simpleclick/core': CORE_MODULE_PATH,
      '@simpleclick/core/web': CORE_MODULE_PATH,
      'onnxruntime-web': ORT_MODULE_PATH,
    },
  });

  /** @type {Record<string, string>} */
  const commonHeaders = {
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      console.error(`labelstudio-embed server: ${request.url}: ${error instanceof Error ? error.stack : String(error)}`);
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
    const exampleFile = /** @type {Record<string, string>} */ (EXAMPLE_FILES)[path];
    if (exampleFile !== undefined) return sendFile(request, response, join(EXAMPLE_DIRECTORY, exampleFile));
    if (path === '/app.mjs') return send(response, 200, mimeTypeOf(path), await appBundle.code(), request);
    if (path === '/core/web.mjs') return send(response, 200, mimeTypeOf(path), await coreBundle.code(), request);
    if (path === '/models/manifest.json') {
      return send(response, 200, mimeTypeOf(path), `${JSON.stringify(manifestReader.read(), null, 2)}\n`, request);
    }
    const folders = /** @type {const} */ ([
      ['/ort/', DEMO_PATHS.ortDist, ORT_FILE],
      ['/models/', modelsDirectory, MODEL_FILE],
      ['/examples/images/', DEMO_PATHS.exampleImages, IMAGE_FILE],
      ['/ls/', LABEL_STUDIO_EMBED_PATHS.labelStudioBuild, LABEL_STUDIO_FILE],
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
   * Streams a file (the model and the Label Studio bundle are large; browsers revalidate with no-cache).
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @param {string} file
   */
  function sendFile(request, response, file) {
    /** @type {import('node:fs').Stats | undefined} */
    let info;
    try {
      info = statSync(file);
    } catch {
      info = undefined;
    }
    if (info === undefined || !info.isFile()) {
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
      'Content-Type': mimeTypeOf(file) ?? (file.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
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
