// ES module entry of @simpleclick/model-default: the CommonJS implementation (index.cjs), loaded once, so that an
// application that mixes import and require sees one module.
import { createRequire } from 'node:module';

const implementation = createRequire(import.meta.url)('./index.cjs');

export const DEFAULT_MODEL_FILE_NAME = implementation.DEFAULT_MODEL_FILE_NAME;
export const DEFAULT_MODEL_CARD_FILE_NAME = implementation.DEFAULT_MODEL_CARD_FILE_NAME;
export const DEFAULT_MODEL_INPUT_SIZE = implementation.DEFAULT_MODEL_INPUT_SIZE;
export const MODEL_DIRECTORY = implementation.MODEL_DIRECTORY;
export const defaultModelPath = implementation.defaultModelPath;
export const defaultModelCardPath = implementation.defaultModelCardPath;
