import type { CvatInteractor } from './interactor/cvat-interactor';

/** What `GET /health` (and a nuclio GET) answers. */
export interface HealthBody {
  status: 'ok';
  service: 'simpleclick-cvat';
  /** The model's metadata summary, when the interactor knows it. */
  model?: { variant: string; inputSizePx: number; trainingData: string; trained?: boolean; version: string };
  /** onnxruntime execution providers the model runs on (`["cpu"]` when CUDA was asked for but is missing). */
  executionProviders?: readonly string[];
  /** The predictor's threshold and whether it averages flips. */
  predictor: { maskThreshold: number; useFlip: boolean };
  cache: CvatInteractor['cacheStats'];
}

/** The health answer; cheap (no model run). */
export function healthBody(interactor: CvatInteractor): HealthBody {
  const metadata = interactor.modelMetadata;
  return {
    status: 'ok',
    service: 'simpleclick-cvat',
    ...(metadata === undefined
      ? {}
      : {
          model: {
            variant: metadata.variant,
            inputSizePx: metadata.inputSizePx,
            trainingData: metadata.trainingData,
            ...(metadata.trained === undefined ? {} : { trained: metadata.trained }),
            version: metadata.version,
          },
        }),
    ...(interactor.executionProviders === undefined ? {} : { executionProviders: interactor.executionProviders }),
    predictor: {
      maskThreshold: interactor.predictor.options.maskThreshold,
      useFlip: interactor.predictor.options.useFlip,
    },
    cache: interactor.cacheStats,
  };
}
