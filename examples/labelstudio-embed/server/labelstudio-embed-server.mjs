// @ts-check
// The HTTP server of the Label Studio embedding example: the examples' static server
// (examples/shared/static-server.mjs, node:http, no framework) with this page, the SDK routes every example page
// needs (examples/shared/sdk-page-routes.mjs) and the Label Studio frontend, all with the COOP/COEP headers
// onnxruntime-web needs for WebAssembly threads:
//
//   /, /index.html, /style.css   the page
//   /app.mjs                src/main.ts bundled with @simpleclick/adapters-labelstudio/browser (its built
//                           dist/browser.mjs, as an npm user gets it, and saxes); the SDK and onnxruntime-web stay
//                           outside, imported from ./core/web.mjs and ./ort/ort.min.mjs (one instance of each)
//   /core/web.mjs           the built SDK (packages/core/dist/web.mjs) bundled for the browser
//   /core/web-worker.mjs    the SDK's worker script (packages/core/dist/web-worker.mjs), next to core/web.mjs where
//                           createWorkerPredictor looks for it: the plugin's model and per-click work run there
//   /ort/*                  onnxruntime-web's runtime files
//   /ls/*                   the Label Studio frontend build (node_modules/@heartexlabs/label-studio/build/static)
//   /models/*, /models/manifest.json, /examples/images/*   as in the browser demo
//
// Only GET and HEAD of these are answered; nothing else of the disk is reachable.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoSetupError } from '../../shared/demo-setup-error.mjs';
import { CachedBundle, ORT_MODULE_PATH } from '../../shared/browser-bundles.mjs';
import { createSdkPageRoutes, SDK_PATHS } from '../../shared/sdk-page-routes.mjs';
import { filesInDirectory, startStaticServer } from '../../shared/static-server.mjs';

const EXAMPLE_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the files this server sends come from (besides the SDK routes' SDK_PATHS). */
export const LABEL_STUDIO_EMBED_PATHS = Object.freeze({
  example: EXAMPLE_DIRECTORY,
  pluginBundle: join(SDK_PATHS.repoRoot, 'packages', 'adapters-labelstudio', 'dist', 'browser.mjs'),
  coreWorkerBundle: join(SDK_PATHS.repoRoot, 'packages', 'core', 'dist', 'web-worker.mjs'),
  labelStudioBuild: join(SDK_PATHS.repoRoot, 'node_modules', '@heartexlabs', 'label-studio', 'build', 'static'),
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
  modelsDirectory: SDK_PATHS.models,
});

/** @typedef {import('../../shared/static-server.mjs').StaticServer} LabelStudioEmbedServer */

/** Files of the example folder, by URL path. */
const EXAMPLE_FILES = Object.freeze({ '/': 'index.html', '/index.html': 'index.html', '/style.css': 'style.css' });

/** The Label Studio build: js/ and css/ (the bundle, its stylesheet, their source maps and licence notice). */
const LABEL_STUDIO_FILE = /^(js|css)\/[A-Za-z0-9_][A-Za-z0-9_.-]*\.(js|css|map|txt)$/;

/**
 * Why the example cannot be served (what to run), or undefined when everything it needs is there.
 * @returns {string | undefined}
 */
export function labelStudioEmbedSetupProblem() {
  if (
    !existsSync(SDK_PATHS.coreWebBundle) ||
    !existsSync(LABEL_STUDIO_EMBED_PATHS.coreWorkerBundle) ||
    !existsSync(LABEL_STUDIO_EMBED_PATHS.pluginBundle)
  ) {
    return `the SDK or the plugin is not built (${LABEL_STUDIO_EMBED_PATHS.pluginBundle}): run \`npm run build\` at the repository root first`;
  }
  if (!existsSync(join(SDK_PATHS.ortDist, 'ort.min.mjs')))
    return `onnxruntime-web is not installed (${SDK_PATHS.ortDist}): run \`npm ci\` first`;
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
  // The plugin imports @simpleclick/core (and /web): the SDK routes make both the page's one SDK instance.
  const sdkRoutes = await createSdkPageRoutes({ appEntry: join(EXAMPLE_DIRECTORY, 'src', 'main.ts'), modelsDirectory });
  const workerBundle = new CachedBundle({
    input: LABEL_STUDIO_EMBED_PATHS.coreWorkerBundle,
    externals: { 'onnxruntime-web': `.${ORT_MODULE_PATH}` }, // core/web-worker.mjs sits one folder down, as core/web.mjs
  });
  return startStaticServer({
    host,
    port,
    crossOriginIsolation: true,
    routes: {
      files: filesInDirectory(EXAMPLE_DIRECTORY, EXAMPLE_FILES),
      generated: { ...sdkRoutes.generated, '/core/web-worker.mjs': () => workerBundle.code() },
      folders: [
        ...sdkRoutes.folders,
        { prefix: '/ls/', directory: LABEL_STUDIO_EMBED_PATHS.labelStudioBuild, fileName: LABEL_STUDIO_FILE },
      ],
    },
    name: 'labelstudio-embed server',
  });
}
