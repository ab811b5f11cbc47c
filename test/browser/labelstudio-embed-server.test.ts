/**
 * The Label Studio embedding example's server (examples/labelstudio-embed/server) over HTTP, without a browser:
 * the COOP/COEP headers on every answer (onnxruntime-web's threads), the Label Studio build served from
 * node_modules with JavaScript/CSS content types, the page bundle importing the one SDK instance, and nothing
 * outside its folders. Needs `npm run build` and `npm ci` (skipped with the reason otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  labelStudioEmbedSetupProblem,
  startLabelStudioEmbedServer,
  type LabelStudioEmbedServer,
} from '../../examples/labelstudio-embed/server/labelstudio-embed-server.mjs';

const PROBLEM = labelStudioEmbedSetupProblem();

if (PROBLEM !== undefined) {
  describe('Label Studio embedding server', () => {
    it.skip(`Label Studio embedding server tests skipped: ${PROBLEM}`, () => {});
  });
}

describe.skipIf(PROBLEM !== undefined)('Label Studio embedding server', () => {
  let server: LabelStudioEmbedServer;

  beforeAll(async () => {
    server = await startLabelStudioEmbedServer({ port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path.replace(/^\//, '')}`, init);

  it('serves the page, the Label Studio 1.4.0 build and the example image, cross-origin isolated', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/ls/js/main.js', 'text/javascript'],
      ['/ls/css/main.css', 'text/css'],
      ['/examples/images/fruit.png', 'image/png'],
      ['/models/manifest.json', 'application/json'],
    ]) {
      const response = await get(path, { method: 'HEAD' });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
    }
    const page = await (await get('/')).text();
    expect(page).toContain('<script src="ls/js/main.js"></script>');
    expect(page).toContain('<div id="label-studio"></div>');
  });

  it('bundles the page with the plugin, importing the SDK and onnxruntime-web from the served modules only', async () => {
    const response = await get('/app.mjs');
    expect(response.status).toBe(200);
    const code = await response.text();
    expect(code).toContain('regionFinishedDrawing');
    const imports = [...code.matchAll(/^import .* from ['"]([^'"]+)['"];?$/gm)].map((match) => match[1]);
    expect(new Set(imports)).toEqual(new Set(['./core/web.mjs', './ort/ort.min.mjs']));
  });

  it('refuses paths outside its folders and other methods', async () => {
    expect((await get('/ls/../package.json')).status).toBeGreaterThanOrEqual(400);
    expect((await get('/ls/%2e%2e/package.json')).status).toBeGreaterThanOrEqual(400);
    expect((await get('/ls/index.html')).status).toBe(404);
    expect((await get('/ls/js/../../../package.json')).status).toBeGreaterThanOrEqual(400);
    expect((await get('/package.json')).status).toBe(404);
    expect((await get('/', { method: 'POST' })).status).toBe(405);
  });
});
