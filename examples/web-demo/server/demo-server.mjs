// @ts-check
// The demo's HTTP server: the examples' static server (examples/shared/static-server.mjs) with the demo's pages
// and the SDK routes every example page needs (examples/shared/sdk-page-routes.mjs):
//
//   /, /index.html, /sandbox.html, /style.css   the pages of this folder
//   /app.mjs, /core/web.mjs, /ort/*, /models/*, /models/manifest.json, /examples/images/*   the SDK routes
//   /core/web-worker.mjs   the SDK's worker script (packages/core/dist/web-worker.mjs), next to core/web.mjs where
//                          createWorkerPredictor looks for it, bundled like it (onnxruntime-web from /ort/)
//
// all with the headers that make the page cross-origin isolated (COOP/COEP), which onnxruntime-web needs for
// WebAssembly threads (SharedArrayBuffer), unless turned off to compare. Only GET and HEAD of these are answered:
// nothing else of the disk is reachable.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoSetupError } from '../../shared/demo-setup-error.mjs';
import { CachedBundle, ORT_MODULE_PATH } from '../../shared/browser-bundles.mjs';
import { createSdkPageRoutes, SDK_PATHS } from '../../shared/sdk-page-routes.mjs';
import { filesInDirectory, startStaticServer } from '../../shared/static-server.mjs';

export { DemoSetupError };

const DEMO_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where everything the server sends comes from. */
export const DEMO_PATHS = Object.freeze({
  demo: DEMO_DIRECTORY,
  ...SDK_PATHS,
  coreWorkerBundle: join(SDK_PATHS.repoRoot, 'packages', 'core', 'dist', 'web-worker.mjs'),
});

/**
 * @typedef {object} DemoServerOptions
 * @property {string} [host] Interface to listen on; default 127.0.0.1 (browsers give threads and WebGPU only to
 *   secure contexts: http://localhost or https).
 * @property {number} [port] Default 8177; 0 picks a free port.
 * @property {boolean} [crossOriginIsolation] Send COOP/COEP (default true). false shows what happens without:
 *   onnxruntime-web then runs one WebAssembly thread.
 * @property {string} [modelsDirectory] Default: the repository's models/ folder.
 * @property {string} [appEntry] The page's TypeScript entry served as /app.mjs. Default: this folder's src/main.ts.
 *   Another copy of the demo's sources (an earlier version) lets a benchmark compare two versions in one run.
 */

/** Defaults of {@link DemoServerOptions}. */
export const DEFAULT_DEMO_SERVER_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 8177,
  crossOriginIsolation: true,
  modelsDirectory: DEMO_PATHS.models,
  appEntry: join(DEMO_DIRECTORY, 'src', 'main.ts'),
});

/** @typedef {import('../../shared/static-server.mjs').StaticServer} DemoServer */

/** Pages of the demo folder, by URL path. */
const DEMO_FILES = Object.freeze({
  '/': 'index.html',
  '/index.html': 'index.html',
  '/sandbox.html': 'sandbox.html',
  '/style.css': 'style.css',
});

/**
 * Starts the demo server.
 * @param {DemoServerOptions} [options]
 * @returns {Promise<DemoServer>}
 * @throws {DemoSetupError} when `npm run build` has not run or onnxruntime-web is not installed.
 */
export async function startDemoServer(options = {}) {
  const { host, port, crossOriginIsolation, modelsDirectory, appEntry } = {
    ...DEFAULT_DEMO_SERVER_OPTIONS,
    ...options,
  };
  if (!existsSync(DEMO_PATHS.coreWebBundle) || !existsSync(DEMO_PATHS.coreIndexBundle)) {
    throw new DemoSetupError(
      `the SDK is not built (${DEMO_PATHS.coreWebBundle} is missing): run \`npm run build\` at the repository root first`,
    );
  }
  if (!existsSync(join(DEMO_PATHS.ortDist, 'ort.min.mjs'))) {
    throw new DemoSetupError(`onnxruntime-web is not installed (${DEMO_PATHS.ortDist}): run \`npm ci\` first`);
  }
  const sdkRoutes = await createSdkPageRoutes({ appEntry, modelsDirectory });
  const generated = { ...sdkRoutes.generated };
  if (existsSync(DEMO_PATHS.coreWorkerBundle)) {
    const workerBundle = new CachedBundle({
      input: DEMO_PATHS.coreWorkerBundle,
      externals: { 'onnxruntime-web': `.${ORT_MODULE_PATH}` }, // core/web-worker.mjs sits one folder down, as core/web.mjs
    });
    generated['/core/web-worker.mjs'] = () => workerBundle.code();
  }
  return startStaticServer({
    host,
    port,
    crossOriginIsolation,
    routes: { files: filesInDirectory(DEMO_DIRECTORY, DEMO_FILES), ...sdkRoutes, generated },
    name: 'demo server',
  });
}
