'use strict';
// @simpleclick/model-default: where the SDK's embedded default SimpleClick model lies inside this package.
// The one implementation; index.mjs re-exports it for ES modules, so both module systems see the same values.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

/** File name of the default model (fp16 weights, about 6.7 MB). */
const DEFAULT_MODEL_FILE_NAME = 'simpleclick-xtiny-narrow-finetuned-384-fp16.onnx';
/** File name of its model card (data, licences, training runs, evaluation). */
const DEFAULT_MODEL_CARD_FILE_NAME = 'simpleclick-xtiny-narrow-finetuned-384.md';
/** Its network input size S in pixels (also in the ONNX metadata, which the SDK reads). */
const DEFAULT_MODEL_INPUT_SIZE = 384;

/** The folder that holds the model and its card (`model/` in this package). */
const MODEL_DIRECTORY = join(__dirname, 'model');

function existingFile(name) {
  const path = join(MODEL_DIRECTORY, name);
  if (!existsSync(path)) {
    throw new Error(
      `@simpleclick/model-default: ${path} is missing. The published package ships it; ` +
        'in a checkout of the SimpleClick repository, `npm run build` copies it from models/.',
    );
  }
  return path;
}

/** Absolute path of the default model file. Throws when the file is missing (an unbuilt checkout). */
function defaultModelPath() {
  return existingFile(DEFAULT_MODEL_FILE_NAME);
}

/** Absolute path of the default model's card (Markdown). Throws when the file is missing. */
function defaultModelCardPath() {
  return existingFile(DEFAULT_MODEL_CARD_FILE_NAME);
}

exports.DEFAULT_MODEL_FILE_NAME = DEFAULT_MODEL_FILE_NAME;
exports.DEFAULT_MODEL_CARD_FILE_NAME = DEFAULT_MODEL_CARD_FILE_NAME;
exports.DEFAULT_MODEL_INPUT_SIZE = DEFAULT_MODEL_INPUT_SIZE;
exports.MODEL_DIRECTORY = MODEL_DIRECTORY;
exports.defaultModelPath = defaultModelPath;
exports.defaultModelCardPath = defaultModelCardPath;
