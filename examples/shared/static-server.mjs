// @ts-check
// The HTTP server of the examples (node:http, no framework): it answers GET and HEAD of a fixed route table
// (single files, bodies made in memory, and folders whose file names must match a pattern), each with its content
// type, and with the headers that make the page cross-origin isolated (COOP/COEP), which onnxruntime-web needs
// for WebAssembly threads (SharedArrayBuffer). Nothing of the disk outside the table is reachable: a path that is
// malformed or has a '..' segment is refused (400), any other path outside the table is not found (404).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { mimeTypeOf } from './mime-types.mjs';

/**
 * @typedef {object} StaticFolder A folder served under a URL prefix.
 * @property {string} prefix URL path prefix, starting and ending with '/' (e.g. '/models/').
 * @property {string} directory Absolute path of the folder.
 * @property {RegExp} fileName What the rest of the URL path must match to be served (anchored; it decides which
 *   files and subfolders are reachable, so it must not match '..' segments or absolute paths).
 */

/**
 * @typedef {object} StaticRoutes What a server answers, by URL path (percent-decoded). Exact paths of `files` and
 *   `generated` are tried first, then `folders` in order.
 * @property {Readonly<Record<string, string>>} [files] URL path -> absolute path of the file sent.
 * @property {Readonly<Record<string, () => string | Promise<string>>>} [generated] URL path -> its body, made on
 *   each request (bundles, manifests); the content type comes from the URL path's extension.
 * @property {readonly StaticFolder[]} [folders]
 */

/**
 * @typedef {object} StaticServerOptions
 * @property {string} host Interface to listen on (browsers give threads and WebGPU only to secure contexts:
 *   http://localhost or https).
 * @property {number} port 0 picks a free port.
 * @property {boolean} crossOriginIsolation Send COOP/COEP on every answer.
 * @property {StaticRoutes} routes
 * @property {string} name Names the server in the errors it logs (e.g. 'demo server').
 */

/**
 * @typedef {object} StaticServer
 * @property {string} url Base URL, ending in '/'.
 * @property {number} port
 * @property {() => Promise<void>} close Stops listening and closes open connections.
 */

const TEXT = 'text/plain; charset=utf-8';

/**
 * Starts a server answering `routes`, once it listens.
 * @param {StaticServerOptions} options
 * @returns {Promise<StaticServer>}
 */
export async function startStaticServer({ host, port, crossOriginIsolation, routes, name }) {
  const files = routes.files ?? {};
  const generated = routes.generated ?? {};
  const folders = routes.folders ?? [];

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
      console.error(`${name}: ${request.url}: ${error instanceof Error ? error.stack : String(error)}`);
      if (!response.headersSent) send(response, 500, TEXT, `server error: ${String(error)}\n`);
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
      send(response, 405, TEXT, 'method not allowed\n');
      return;
    }
    const path = decodeRequestPath(request.url ?? '/');
    if (path === undefined) {
      send(response, 400, TEXT, 'bad path\n');
      return;
    }
    const file = files[path];
    if (file !== undefined) return sendFile(request, response, file);
    const makeBody = generated[path];
    if (makeBody !== undefined) return send(response, 200, mimeTypeOf(path), await makeBody(), request);
    for (const folder of folders) {
      if (!path.startsWith(folder.prefix)) continue;
      const fileName = path.slice(folder.prefix.length);
      if (folder.fileName.test(fileName)) return sendFile(request, response, join(folder.directory, fileName));
    }
    send(response, 404, TEXT, `not found: ${path}\n`);
  }

  /**
   * @param {import('node:http').ServerResponse} response
   * @param {number} status
   * @param {string | undefined} contentType
   * @param {string} body
   * @param {import('node:http').IncomingMessage} [request] Given for a HEAD request: headers only.
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
   * Streams a file, answering 304 when the browser's copy is current (the .wasm, model and Label Studio files are
   * large; browsers revalidate them because of no-cache).
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
      send(response, 404, TEXT, `not found: ${request.url}\n`);
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
 * Routes for files of one folder: URL path -> absolute file path, for {@link StaticRoutes}' `files`.
 * @param {string} directory
 * @param {Readonly<Record<string, string>>} fileNamesByPath URL path -> file name inside `directory`.
 * @returns {Record<string, string>}
 */
export function filesInDirectory(directory, fileNamesByPath) {
  return Object.fromEntries(
    Object.entries(fileNamesByPath).map(([path, fileName]) => [path, join(directory, fileName)]),
  );
}

/**
 * The URL's path, percent-decoded, or undefined when it is malformed or tries to leave its folder (a NUL, a
 * backslash or a '..' segment after decoding). The URL's own dot segments ('/a/../b', also as '%2e%2e') are
 * resolved first, as a browser does, and never above '/'.
 * @param {string} url A request's URL (path and query).
 * @returns {string | undefined}
 */
export function decodeRequestPath(url) {
  let path;
  try {
    path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').some((part) => part === '..')) return undefined;
  return path;
}
