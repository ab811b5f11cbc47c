// @ts-check
// The routes every example page of the SDK needs, for the static server (static-server.mjs):
//
//   /app.mjs                the example's TypeScript entry, bundled with rolldown (browser-bundles.mjs); the SDK and
//                           onnxruntime-web stay outside, imported from ./core/web.mjs and ./ort/ort.min.mjs
//   /core/web.mjs           the built SDK (packages/core/dist/web.mjs) bundled for the browser
//   /ort/*                  onnxruntime-web's runtime files (node_modules/onnxruntime-web/dist: .mjs, .wasm, .map)
//   /models/manifest.json   the models of the models folder, read from their ONNX metadata (model-manifest.mjs)
//   /models/*               the models folder's .onnx, .onnx.data, .data and .md files
//   /examples/images/*      the example images (.png, .jpg, .jpeg, .webp)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CachedBundle, CORE_MODULE_PATH, ORT_MODULE_PATH } from './browser-bundles.mjs';
import { ModelManifestReader } from './model-manifest.mjs';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the files of the SDK routes come from. */
export const SDK_PATHS = Object.freeze({
  repoRoot: REPO_ROOT,
  coreWebBundle: join(REPO_ROOT, 'packages', 'core', 'dist', 'web.mjs'),
  coreIndexBundle: join(REPO_ROOT, 'packages', 'core', 'dist', 'index.mjs'),
  ortDist: join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist'),
  models: join(REPO_ROOT, 'models'),
  exampleImages: join(REPO_ROOT, 'examples', 'images'),
});

/** A plain file name with one of the extensions a folder may serve (no slashes, no leading dot). */
const ORT_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(mjs|wasm|map)$/;
const MODEL_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(onnx|onnx\.data|data|md)$/;
const IMAGE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(png|jpe?g|webp)$/;

/**
 * The bare imports the page bundle leaves outside, and the module each is loaded from: @simpleclick/core and
 * @simpleclick/core/web are both the page's one SDK instance, core/web.mjs.
 */
const APP_EXTERNALS = Object.freeze({
  '@simpleclick/core': CORE_MODULE_PATH,
  '@simpleclick/core/web': CORE_MODULE_PATH,
  'onnxruntime-web': ORT_MODULE_PATH,
});

/**
 * @typedef {object} SdkPageRoutesOptions
 * @property {string} appEntry Absolute path of the page's TypeScript entry, served bundled as /app.mjs.
 * @property {string} modelsDirectory The folder served as /models/.
 */

/**
 * The SDK routes of a page. Check first that the SDK is built (SDK_PATHS.coreWebBundle, coreIndexBundle) and
 * onnxruntime-web installed: the models manifest needs the built SDK to read ONNX metadata.
 * @param {SdkPageRoutesOptions} options
 * @returns {Promise<Required<Pick<import('./static-server.mjs').StaticRoutes, 'generated' | 'folders'>>>}
 */
export async function createSdkPageRoutes({ appEntry, modelsDirectory }) {
  const core = await import(SDK_PATHS.coreIndexBundle);
  const manifestReader = new ModelManifestReader(modelsDirectory, core);
  const coreBundle = new CachedBundle({
    input: SDK_PATHS.coreWebBundle,
    externals: { 'onnxruntime-web': `.${ORT_MODULE_PATH}` }, // core/web.mjs sits one folder down
  });
  const appBundle = new CachedBundle({ input: appEntry, externals: { ...APP_EXTERNALS } });
  return {
    generated: {
      '/app.mjs': () => appBundle.code(),
      '/core/web.mjs': () => coreBundle.code(),
      '/models/manifest.json': () => `${JSON.stringify(manifestReader.read(), null, 2)}\n`,
    },
    folders: [
      { prefix: '/ort/', directory: SDK_PATHS.ortDist, fileName: ORT_FILE },
      { prefix: '/models/', directory: modelsDirectory, fileName: MODEL_FILE },
      { prefix: '/examples/images/', directory: SDK_PATHS.exampleImages, fileName: IMAGE_FILE },
    ],
  };
}
