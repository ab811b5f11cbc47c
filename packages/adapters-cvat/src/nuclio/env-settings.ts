import { InvalidArgumentError } from '@simpleclick/core';
import type { CvatInteractorFromFileOptions } from '../interactor/create-interactor-from-file';

/** Where the nuclio build recipe puts the model (function.yaml sets SIMPLECLICK_MODEL to it too). */
export const DEFAULT_NUCLIO_MODEL_PATH = '/opt/nuclio/model.onnx';

/** The environment variables read by {@link interactorSettingsFromEnv}. */
export const INTERACTOR_ENV_VARIABLES = Object.freeze({
  model: 'SIMPLECLICK_MODEL',
  preset: 'SIMPLECLICK_PRESET',
  threads: 'SIMPLECLICK_THREADS',
  replayOrder: 'SIMPLECLICK_REPLAY_ORDER',
  maxPixels: 'SIMPLECLICK_MAX_PIXELS',
  imageCacheMb: 'SIMPLECLICK_IMAGE_CACHE_MB',
  stateCacheMb: 'SIMPLECLICK_STATE_CACHE_MB',
  executionProviders: 'SIMPLECLICK_EXECUTION_PROVIDERS',
});

/** The model path and interactor options a deployment sets through environment variables. */
export interface InteractorSettings {
  readonly modelPath: string;
  readonly options: CvatInteractorFromFileOptions;
}

/**
 * Reads the settings of a deployed function from its environment: `SIMPLECLICK_MODEL` (model path, default
 * {@link DEFAULT_NUCLIO_MODEL_PATH}), `SIMPLECLICK_PRESET` (`interactive` or `parity`), `SIMPLECLICK_THREADS`
 * (onnxruntime intra-op threads), `SIMPLECLICK_REPLAY_ORDER` (`interleave` or `positives-first`),
 * `SIMPLECLICK_MAX_PIXELS`, `SIMPLECLICK_IMAGE_CACHE_MB`, `SIMPLECLICK_STATE_CACHE_MB`, `SIMPLECLICK_EXECUTION_PROVIDERS`
 * (onnxruntime-node providers in order, e.g. `cuda,cpu`). Unset or empty means
 * the default. Throws {@link InvalidArgumentError} naming the variable for a value that is not usable.
 */
export function interactorSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): InteractorSettings {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const number = (name: string, integer: boolean, min: number): number | undefined => {
    const text = read(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${text}"`);
    }
    return value;
  };
  const names = INTERACTOR_ENV_VARIABLES;
  const preset = read(names.preset);
  if (preset !== undefined && preset !== 'interactive' && preset !== 'parity') {
    throw new InvalidArgumentError(`${names.preset} must be "interactive" or "parity", got "${preset}"`);
  }
  const replayOrder = read(names.replayOrder);
  if (replayOrder !== undefined && replayOrder !== 'interleave' && replayOrder !== 'positives-first') {
    throw new InvalidArgumentError(
      `${names.replayOrder} must be "interleave" or "positives-first", got "${replayOrder}"`,
    );
  }
  const threads = number(names.threads, true, 1);
  // "cuda,cpu": onnxruntime-node providers in order of preference (core falls back to the CPU when one is missing).
  const providers = read(names.executionProviders)
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (
    providers !== undefined &&
    (providers.length === 0 || providers.some((name) => !/^[a-z][a-z0-9-]*$/.test(name)))
  ) {
    throw new InvalidArgumentError(`${names.executionProviders} must be a comma-separated list such as "cuda,cpu"`);
  }
  const model =
    threads === undefined && providers === undefined
      ? undefined
      : {
          ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
          ...(providers === undefined ? {} : { executionProviders: providers }),
        };
  const imageCacheMb = number(names.imageCacheMb, false, 0);
  const stateCacheMb = number(names.stateCacheMb, false, 0);
  return {
    modelPath: read(names.model) ?? DEFAULT_NUCLIO_MODEL_PATH,
    options: {
      predictor: preset === undefined ? undefined : { preset },
      model,
      interactor: {
        replayOrder,
        maxPixels: number(names.maxPixels, true, 1),
        maxImageCacheBytes: imageCacheMb === undefined ? undefined : imageCacheMb * 1024 * 1024,
        maxStateCacheBytes: stateCacheMb === undefined ? undefined : stateCacheMb * 1024 * 1024,
      },
    },
  };
}
