/**
 * The examples' shared static server (examples/shared/static-server.mjs) over HTTP, on a route table of its own in
 * a temporary folder (no build needed): each kind of route, the COOP/COEP switch, revalidation (304), HEAD, and the
 * refusals (400 for escapes, 404 outside the table, 405 for other methods, 500 when a generated body fails).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  decodeRequestPath,
  filesInDirectory,
  startStaticServer,
  type StaticRoutes,
  type StaticServer,
} from '../../examples/shared/static-server.mjs';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent as written (fetch would resolve '..' segments before sending). */
function rawRequest(
  server: StaticServer,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('examples static server', () => {
  let directory: string;
  let server: StaticServer;
  let plainServer: StaticServer;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'simpleclick-static-server-'));
    writeFileSync(join(directory, 'page.html'), '<p>page</p>');
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'assets', 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(directory, 'assets', 'notes.txt'), 'not in the pattern');
    mkdirSync(join(directory, 'assets', 'folder.wasm'));
    const routes: StaticRoutes = {
      files: filesInDirectory(directory, { '/': 'page.html', '/missing.html': 'missing.html' }),
      generated: {
        '/made.json': () => '{"made":true}\n',
        '/broken.mjs': async () => {
          throw new Error('bundle failed');
        },
      },
      folders: [{ prefix: '/assets/', directory: join(directory, 'assets'), fileName: /^[a-z.]+\.wasm$/ }],
    };
    server = await startStaticServer({
      host: '127.0.0.1',
      port: 0,
      crossOriginIsolation: true,
      routes,
      name: 'test server',
    });
    plainServer = await startStaticServer({
      host: '127.0.0.1',
      port: 0,
      crossOriginIsolation: false,
      routes,
      name: 'plain',
    });
  });

  afterAll(async () => {
    await server?.close();
    await plainServer?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves files, generated bodies and folder files with their content types, COOP/COEP only when asked', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const page = await rawRequest(server, '/');
    expect(page).toMatchObject({ status: 200, body: '<p>page</p>' });
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    const plain = await rawRequest(plainServer, '/');
    expect(plain.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(plain.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(plain.headers['cross-origin-embedder-policy']).toBeUndefined();
    const made = await rawRequest(server, '/made.json');
    expect(made).toMatchObject({ status: 200, body: '{"made":true}\n' });
    expect(made.headers['content-type']).toBe('application/json; charset=utf-8');
    const wasm = await rawRequest(server, '/assets/a.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers).toMatchObject({ 'content-type': 'application/wasm', 'content-length': '4' });
  });

  it('answers HEAD without a body and 304 when the browser has the current copy', async () => {
    const head = await rawRequest(server, '/assets/a.wasm', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('4');
    const lastModified = String(head.headers['last-modified']);
    const again = await rawRequest(server, '/assets/a.wasm', 'GET', { 'If-Modified-Since': lastModified });
    expect(again).toMatchObject({ status: 304, body: '' });
    expect(again.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await rawRequest(server, '/assets/a.wasm', 'GET', { 'If-Modified-Since': older })).status).toBe(200);
  });

  it('refuses escapes (400), what the table does not name (404) and other methods (405)', async () => {
    for (const path of ['/assets/%2e%2e%2fpage.html', '/assets/..%2f..%2fpage.html', '/a%00', '/a%5cb', '/%zz']) {
      expect((await rawRequest(server, path)).status, path).toBe(400);
    }
    // Dot segments of the URL itself resolve at most to '/' (here to /page.html, which the table does not name);
    // outside the pattern; a missing file; a folder whose name fits the pattern; a listed file that is missing.
    const notFound = ['/assets/../page.html', '/assets/%2e%2e/../../page.html', '/page.html', '/assets/notes.txt'];
    for (const path of [...notFound, '/assets/b.wasm', '/assets/folder.wasm', '/assets/', '/missing.html']) {
      expect((await rawRequest(server, path)).status, path).toBe(404);
    }
    const post = await rawRequest(server, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('answers 500 and logs under its name when a generated body fails', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const broken = await rawRequest(server, '/broken.mjs');
      expect(broken).toMatchObject({ status: 500, body: 'server error: Error: bundle failed\n' });
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^test server: \/broken\.mjs: Error: bundle failed/));
    } finally {
      log.mockRestore();
    }
  });

  it('decodes request paths, refusing NUL, backslashes and encoded .. segments', () => {
    expect(decodeRequestPath('/models/a%20b.onnx?x=1')).toBe('/models/a b.onnx');
    expect(decodeRequestPath('/a..b/c')).toBe('/a..b/c');
    expect(decodeRequestPath('/a/%2E%2E/../../x')).toBe('/x');
    for (const url of ['/a/..%2fx', '/a%2f%2e%2e/x', '/a%00b', '/a%5cb', '/%e0%a4%a']) {
      expect(decodeRequestPath(url), url).toBeUndefined();
    }
  });
});
