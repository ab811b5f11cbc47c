/**
 * The demo server (examples/web-demo/server) over HTTP, without a browser: the headers that make the page
 * cross-origin isolated, content types browsers insist on (module scripts, application/wasm), the models manifest,
 * and that nothing outside its folders can be fetched. Needs the built SDK bundle (`npm run build`).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATHS, startDemoServer, type DemoServer } from '../../examples/web-demo/server/demo-server.mjs';
import type { ModelManifest } from '../../examples/shared/model-manifest.mjs';
import { tinyGraphPath } from '../../packages/core/test-support/tiny-graph';

const BUILT = existsSync(DEMO_PATHS.coreWebBundle) && existsSync(DEMO_PATHS.coreIndexBundle);
const SKIP_REASON = `demo server tests skipped: ${DEMO_PATHS.coreWebBundle} is missing: run \`npm run build\` first`;

if (!BUILT) {
  describe('demo server', () => {
    it.skip(SKIP_REASON, () => {});
  });
}

describe.skipIf(!BUILT)('demo server', () => {
  let server: DemoServer;
  let plainServer: DemoServer;
  let modelsDirectory: string;

  beforeAll(async () => {
    // A models folder of its own: a test graph with SimpleClick metadata, a graph without (never the default),
    // and a model card.
    modelsDirectory = mkdtempSync(join(tmpdir(), 'simpleclick-demo-models-'));
    copyFileSync(tinyGraphPath('tiny-s32.onnx'), join(modelsDirectory, 'a-untrained.onnx'));
    copyFileSync(tinyGraphPath('missing-metadata-s32.onnx'), join(modelsDirectory, 'b-not-simpleclick.onnx'));
    writeFileSync(join(modelsDirectory, 'notes.md'), '# notes\n');
    server = await startDemoServer({ port: 0, modelsDirectory });
    plainServer = await startDemoServer({ port: 0, modelsDirectory, crossOriginIsolation: false });
  });

  afterAll(async () => {
    await server?.close();
    await plainServer?.close();
    rmSync(modelsDirectory, { recursive: true, force: true });
  });

  const get = (path: string, base = server) => fetch(new URL(path, base.url));

  it('serves the page cross-origin isolated (COOP/COEP), and without with crossOriginIsolation: false', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page.text()).toContain('<script type="module" src="app.mjs">');
    const plain = await get('/', plainServer);
    expect(plain.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(plain.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  it('bundles the SDK and the app as browser modules importing onnxruntime-web from /ort/', async () => {
    const core = await get('/core/web.mjs');
    expect(core.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const coreCode = await core.text();
    // Every dependency is inlined except onnxruntime-web, loaded from the served dist folder.
    const imports = [...coreCode.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((match) => match[1]);
    expect(imports).toEqual(['../ort/ort.min.mjs']);
    expect(coreCode).toContain('SegmentationSession');
    const app = await (await get('/app.mjs')).text();
    const appImports = [...app.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((match) => match[1]).sort();
    expect(appImports).toEqual(['./core/web.mjs', './ort/ort.min.mjs']);
  });

  it('serves onnxruntime-web files with their content types', async () => {
    const wasm = await fetch(new URL('/ort/ort-wasm-simd-threaded.jsep.wasm', server.url), { method: 'HEAD' });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(Number(wasm.headers.get('content-length'))).toBeGreaterThan(1_000_000);
    const glue = await fetch(new URL('/ort/ort-wasm-simd-threaded.jsep.mjs', server.url), { method: 'HEAD' });
    expect(glue.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // A copy the browser already has is not sent again.
    const again = await fetch(new URL('/ort/ort.min.mjs', server.url), {
      headers: { 'If-Modified-Since': wasm.headers.get('last-modified')! },
    });
    expect([200, 304]).toContain(again.status);
  });

  it('lists the models with their metadata and picks the default by it', async () => {
    const manifest: ModelManifest = await (await get('/models/manifest.json')).json();
    expect(manifest.default).toBe('a-untrained.onnx');
    expect(manifest.models.map((model: { file: string }) => model.file)).toEqual([
      'a-untrained.onnx',
      'b-not-simpleclick.onnx',
    ]);
    expect(manifest.models[0]).toMatchObject({ variant: 'test-tiny', inputSizePx: 32, trained: false, error: null });
    expect(manifest.models[1].error).toMatch(/not a SimpleClick model/);
    const model = await get('/models/a-untrained.onnx');
    expect(model.headers.get('content-type')).toBe('application/octet-stream');
    expect((await model.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await get('/models/notes.md')).headers.get('content-type')).toBe('text/markdown; charset=utf-8');
  });

  it('answers 404 outside its folders and patterns, 400 for escapes, 405 for other methods', async () => {
    const outside = [
      '/package.json',
      '/ort/package.json',
      '/ort/../../package.json',
      '/models/x.txt',
      '/src/main.ts',
      '/server/demo-server.mjs',
    ];
    for (const path of outside) {
      expect([400, 404], path).toContain((await get(path)).status);
    }
    // Encoded dots: a decoded '..' segment is refused (400); fetch itself may resolve the others (then 404).
    expect((await get('/models/%2e%2e%2fpackage.json')).status).toBe(400);
    expect([400, 404]).toContain((await get('/examples/images/%2e%2e/%2e%2e/package.json')).status);
    expect((await fetch(new URL('/', server.url), { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
