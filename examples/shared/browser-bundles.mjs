// @ts-check
// The two JavaScript files an example page loads, bundled in memory with rolldown (the bundler of Vite 8):
//
//   core/web.mjs  the built SDK (packages/core/dist/web.mjs) with its small dependencies (eventemitter3 is
//                 CommonJS, fast-png and @thi.ng/* are ESM) resolved for the browser; onnxruntime-web stays
//                 outside, imported from ../ort/ort.min.mjs (served from node_modules/onnxruntime-web/dist), so
//                 ORT finds its .wasm and .mjs files next to itself.
//   app.mjs       the example's TypeScript (its src/main.ts), which imports the SDK from ./core/web.mjs and ORT
//                 from ./ort/ort.min.mjs: one instance of each in the page.
//
// Bundling takes a fraction of a second, so it happens on the first request, and again when a source file
// changed (the bundles are rebuilt when the mtime of any file they were built from moved).
import { statSync } from 'node:fs';
import { rolldown } from 'rolldown';

/** URLs of the modules the bundles leave outside, relative to the page (each example is served from one folder). */
export const ORT_MODULE_PATH = './ort/ort.min.mjs';
export const CORE_MODULE_PATH = './core/web.mjs';

/**
 * @typedef {object} BundleSpec
 * @property {string} input Absolute path of the entry module.
 * @property {Record<string, string>} externals Bare import -> URL it is loaded from in the page.
 */

/**
 * @typedef {object} BuiltBundle
 * @property {string} code
 * @property {Map<string, number>} sourceMtimes Files read to build it, with their mtime (ms).
 */

/**
 * A bundle built on demand and rebuilt when one of its source files changed.
 */
export class CachedBundle {
  /** @type {BundleSpec} */
  #spec;
  /** @type {Promise<BuiltBundle> | undefined} */
  #built;

  /** @param {BundleSpec} spec */
  constructor(spec) {
    this.#spec = spec;
  }

  /** The bundle's code, rebuilt first when a source file changed since the last build. */
  async code() {
    if (this.#built !== undefined) {
      const previous = await this.#built.catch(() => undefined);
      if (previous === undefined || isStale(previous.sourceMtimes)) this.#built = undefined;
    }
    this.#built ??= buildBundle(this.#spec);
    return (await this.#built).code;
  }
}

/**
 * @param {Map<string, number>} sourceMtimes
 * @returns {boolean}
 */
function isStale(sourceMtimes) {
  for (const [file, mtimeMs] of sourceMtimes) {
    try {
      if (statSync(file).mtimeMs !== mtimeMs) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * @param {BundleSpec} spec
 * @returns {Promise<BuiltBundle>}
 */
async function buildBundle(spec) {
  const externalNames = Object.keys(spec.externals);
  const bundle = await rolldown({
    input: spec.input,
    platform: 'browser',
    external: (id) => externalNames.includes(id),
    logLevel: 'warn',
  });
  try {
    const { output } = await bundle.generate({
      format: 'esm',
      paths: (id) => spec.externals[id] ?? id,
      sourcemap: 'inline',
    });
    const chunks = output.filter((item) => item.type === 'chunk');
    if (chunks.length !== 1) throw new Error(`expected one chunk from ${spec.input}, got ${chunks.length}`);
    /** @type {Map<string, number>} */
    const sourceMtimes = new Map();
    for (const file of await bundle.watchFiles) {
      try {
        sourceMtimes.set(file, statSync(file).mtimeMs);
      } catch {
        // A virtual module (rolldown's runtime helpers): nothing to watch.
      }
    }
    return { code: chunks[0].code, sourceMtimes };
  } finally {
    await bundle.close();
  }
}
