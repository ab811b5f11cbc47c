import { ClickPredictor, type PredictorOptionsInput } from '@simpleclick/core';
import { createNodeModel, type NodeModelOptions } from '@simpleclick/core/node';
import { CvatInteractor } from './cvat-interactor';
import type { CvatInteractorOptions } from './interactor-options';

/** Options of {@link createCvatInteractorFromFile}. */
export interface CvatInteractorFromFileOptions {
  /** Predictor preset and overrides (default: the `'interactive'` preset: official pipeline, no flip). */
  readonly predictor?: PredictorOptionsInput;
  /** onnxruntime-node options (threads, execution providers). */
  readonly model?: NodeModelOptions;
  /** Interactor options; `ownsPredictor` is always true here. */
  readonly interactor?: Partial<Omit<CvatInteractorOptions, 'ownsPredictor'>>;
}

/**
 * Loads a SimpleClick ONNX model with onnxruntime-node and wraps it in a {@link CvatInteractor} that owns it
 * (`close()` frees the model).
 *
 * @throws the SDK's ModelLoadError / ModelContractError for the model, InvalidArgumentError for bad options.
 */
export async function createCvatInteractorFromFile(
  modelPath: string,
  options: CvatInteractorFromFileOptions = {},
): Promise<CvatInteractor> {
  const model = await createNodeModel(modelPath, options.model);
  let predictor: ClickPredictor | undefined;
  try {
    predictor = await ClickPredictor.create(model, options.predictor);
    return await CvatInteractor.create(
      predictor,
      { ...options.interactor, ownsPredictor: true },
      model.metadata,
      model.executionProviders,
    );
  } catch (error) {
    await (predictor ?? model).close();
    throw error;
  }
}
