// The embedded default model, named once for every test, bench and example check in the repository.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file is test/support/default-model.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** File stem of the trained default model in `models/` (fp32 weights; `-fp16` is the half-size twin). */
export const DEFAULT_MODEL_NAME = 'simpleclick-xtiny-narrow-finetuned-384';
/** Its network input size S in pixels (the `simpleclick.input_size` metadata). */
export const DEFAULT_MODEL_SIZE_PX = 384;
/** `models/<name>.onnx`, relative to the repository root. */
export const DEFAULT_MODEL_RELATIVE_PATH = `models/${DEFAULT_MODEL_NAME}.onnx`;
/** Absolute path of the fp32 default model. */
export const DEFAULT_MODEL_PATH = join(REPO_ROOT, DEFAULT_MODEL_RELATIVE_PATH);
export const HAVE_DEFAULT_MODEL = existsSync(DEFAULT_MODEL_PATH);
/** Why model tests skip when the model is absent. */
export const NO_MODEL_MESSAGE = `model tests skipped: ${DEFAULT_MODEL_PATH} is absent (python/simpleclick/training/README.md makes it)`;
/** A tiny untrained network (3 KB) for the paths that must warn about random weights. */
export const UNTRAINED_TOY_MODEL_PATH = join(REPO_ROOT, 'test/fixtures/parity-toy/toy-disk-memory-448.onnx');
