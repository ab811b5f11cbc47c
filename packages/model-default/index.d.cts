/**
 * The SDK's embedded default SimpleClick model, as a file on disk: pass {@link defaultModelPath} to
 * `createNodeModel` of `@simpleclick/core/node`. Research and non-commercial use only (see the package's
 * LICENSE.md and the model card).
 *
 * ```ts
 * import { createNodeModel } from '@simpleclick/core/node';
 * import { defaultModelPath } from '@simpleclick/model-default';
 *
 * const model = await createNodeModel(defaultModelPath());
 * ```
 *
 * @module @simpleclick/model-default
 */

/** File name of the default model: `simpleclick-xtiny-narrow-finetuned-384-fp16.onnx` (fp16 weights, about 6.7 MB). */
export declare const DEFAULT_MODEL_FILE_NAME: 'simpleclick-xtiny-narrow-finetuned-384-fp16.onnx';
/** File name of its model card (data, licences, training runs, evaluation), beside the model. */
export declare const DEFAULT_MODEL_CARD_FILE_NAME: 'simpleclick-xtiny-narrow-finetuned-384.md';
/** The model's network input size S in pixels (also in its ONNX metadata, which the SDK reads). */
export declare const DEFAULT_MODEL_INPUT_SIZE: 384;
/** Absolute path of the folder that holds the model and its card (`model/` inside this package). */
export declare const MODEL_DIRECTORY: string;
/**
 * Absolute path of the default model file.
 * @throws Error when the file is missing (a checkout of the repository that was not built).
 */
export declare function defaultModelPath(): string;
/**
 * Absolute path of the default model's card (Markdown).
 * @throws Error when the file is missing (a checkout of the repository that was not built).
 */
export declare function defaultModelCardPath(): string;
