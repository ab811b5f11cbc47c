// @ts-check
// models/manifest.json as the example servers answer it: the SimpleClick models of the repository's models/ folder,
// read from their ONNX metadata (not guessed from file names), and the default one, chosen like the CLI's
// default: a trained model first, else an untrained one; ties go to the smaller file, then to the name.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files above this size are listed without metadata and never the default (the embedded models are < 60 MB). */
const MAX_METADATA_READ_BYTES = 200 * 1024 * 1024;

/**
 * @typedef {object} ModelEntry
 * @property {string} file File name inside models/.
 * @property {number} sizeBytes
 * @property {string | null} variant
 * @property {number | null} inputSizePx
 * @property {boolean | null} trained
 * @property {string | null} trainingData
 * @property {string | null} error Why the metadata could not be read, else null.
 */

/**
 * @typedef {object} ModelManifest
 * @property {string | null} default File name of the default model, null when there is no usable model.
 * @property {ModelEntry[]} models
 */

/**
 * @typedef {object} MetadataReaders The SDK function that reads a model's metadata (passed in: the SDK bundle is
 *   loaded only after checking that it is built).
 * @property {(bytes: Uint8Array) => { variant: string, inputSizePx: number, trained?: boolean, trainingData: string }} readModelMetadata
 */

/**
 * Reads manifests of one models folder, re-reading a model's metadata only when its size or mtime changed.
 */
export class ModelManifestReader {
  /** @type {string} */
  #directory;
  /** @type {MetadataReaders['readModelMetadata']} */
  #readMetadata;
  /** @type {Map<string, { key: string, entry: ModelEntry }>} */
  #cache = new Map();

  /**
   * @param {string} directory The models folder.
   * @param {MetadataReaders} core
   */
  constructor(directory, core) {
    this.#directory = directory;
    this.#readMetadata = core.readModelMetadata;
  }

  /** @returns {ModelManifest} */
  read() {
    /** @type {string[]} */
    let names;
    try {
      names = readdirSync(this.#directory)
        .filter((name) => name.toLowerCase().endsWith('.onnx'))
        .sort();
    } catch {
      names = [];
    }
    const models = names.map((name) => this.#entry(name));
    const candidates = models
      .filter((model) => model.error === null && model.sizeBytes <= MAX_METADATA_READ_BYTES)
      .sort(
        (a, b) =>
          Number(b.trained === true) - Number(a.trained === true) ||
          a.sizeBytes - b.sizeBytes ||
          (a.file < b.file ? -1 : 1),
      );
    return { default: candidates[0]?.file ?? null, models };
  }

  /**
   * @param {string} name
   * @returns {ModelEntry}
   */
  #entry(name) {
    const path = join(this.#directory, name);
    const info = statSync(path);
    const key = `${info.size}:${info.mtimeMs}`;
    const cached = this.#cache.get(name);
    if (cached !== undefined && cached.key === key) return cached.entry;
    /** @type {ModelEntry} */
    const entry = {
      file: name,
      sizeBytes: info.size,
      variant: null,
      inputSizePx: null,
      trained: null,
      trainingData: null,
      error: null,
    };
    if (info.size > MAX_METADATA_READ_BYTES) {
      entry.error = 'too large to read its metadata here';
    } else {
      try {
        const metadata = this.#readMetadata(new Uint8Array(readFileSync(path)));
        entry.variant = metadata.variant;
        entry.inputSizePx = metadata.inputSizePx;
        entry.trained = metadata.trained ?? null;
        entry.trainingData = metadata.trainingData;
      } catch (error) {
        entry.error = `not a SimpleClick model: ${/** @type {Error} */ (error).message}`;
      }
    }
    this.#cache.set(name, { key, entry });
    return entry;
  }
}
