import {
  ClickPredictor,
  type ModelMetadata,
  type PredictorOptionsInput,
  type PredictorPreset,
} from '@simpleclick/core';
import { createNodeModel } from '@simpleclick/core/node';
import type { OutputSink } from '../cli-io';
import type { ResolvedModel } from './resolve-model';

/** A loaded model behind a predictor, with what the command reports about it. */
export interface LoadedPredictor {
  readonly predictor: ClickPredictor;
  readonly metadata: ModelMetadata;
  /** onnxruntime execution providers in use. */
  readonly executionProviders: readonly string[];
  /** Time to create the runtime session, in milliseconds. */
  readonly loadMs: number;
}

/** Options of {@link loadPredictor}. */
export interface LoadPredictorOptions {
  readonly preset: PredictorPreset;
  /** Overrides of the preset (threshold...). */
  readonly overrides?: Omit<PredictorOptionsInput, 'preset'>;
  /** onnxruntime intra-op threads; default onnxruntime's choice (all cores). */
  readonly threads?: number;
}

/**
 * Loads the model with onnxruntime-node (CPU) and wraps it in the SDK's {@link ClickPredictor}, which then owns
 * it (`predictor.close()` frees it). Warns on `warnings` when the model is untrained.
 */
export async function loadPredictor(
  model: ResolvedModel,
  options: LoadPredictorOptions,
  warnings: OutputSink,
): Promise<LoadedPredictor> {
  const startMs = performance.now();
  const onnxModel = await createNodeModel(model.path, {
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  });
  const loadMs = performance.now() - startMs;
  if (onnxModel.metadata.trained === false) warnings.write(untrainedWarning(model, onnxModel.metadata));
  try {
    const predictor = await ClickPredictor.create(onnxModel, { preset: options.preset, ...options.overrides });
    return {
      predictor,
      metadata: onnxModel.metadata,
      executionProviders: onnxModel.executionProviders,
      loadMs,
    };
  } catch (error) {
    await onnxModel.close();
    throw error;
  }
}

/** The loud warning printed before using a model with random weights. */
function untrainedWarning(model: ResolvedModel, metadata: ModelMetadata): string {
  const how = model.isDefault ? 'the default model' : 'the model';
  const rule = '!'.repeat(78);
  return [
    rule,
    `!! WARNING: ${how} ${model.displayName} is UNTRAINED (random weights,`,
    `!! simpleclick.trained=false, training data "${metadata.trainingData}"): its masks are meaningless.`,
    '!! Use it only to try the plumbing; pass --model with a trained SimpleClick export for real masks.',
    rule,
    '',
  ].join('\n');
}

/** `xtiny, S=448, trained on SBD` or `xtiny, S=448, UNTRAINED`. */
export function describeModel(metadata: ModelMetadata): string {
  const training = metadata.trained === false ? 'UNTRAINED' : `trained on ${metadata.trainingData}`;
  return `${metadata.variant}, S=${metadata.inputSizePx}, ${training}`;
}
