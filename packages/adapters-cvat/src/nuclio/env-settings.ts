import { InvalidArgumentError, resolvePredictorOptions, type PredictorOptionsInput } from '@simpleclick/core';
import { parseBoundaryRefinementSpec } from '@simpleclick/core/internal';
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
  boundaryRefinement: 'SIMPLECLICK_BOUNDARY_REFINEMENT',
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
 * (onnxruntime-node providers in order, e.g. `cuda,cpu`), `SIMPLECLICK_BOUNDARY_REFINEMENT` (`on`, `off` or
 * `r=<px>,eps=<x>,guide=rgb|gray,s=<n>`: the boundary refinement of the interactive preset). Unset or empty means
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
  const boundaryRefinement = parseBoundaryRefinementOption(
    read(names.boundaryRefinement),
    names.boundaryRefinement,
    preset ?? 'interactive',
  );
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
      predictor:
        preset === undefined && boundaryRefinement === undefined
          ? undefined
          : {
              ...(preset === undefined ? {} : { preset }),
              ...(boundaryRefinement === undefined ? {} : { boundaryRefinement }),
            },
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

/**
 * A boundary refinement spec, from `name` (`--boundary-refinement` or `SIMPLECLICK_BOUNDARY_REFINEMENT`): the core's
 * grammar (`on`, `off`, `r=<px>,eps=<x>,guide=rgb|gray,s=<n>`, any subset), its ranges checked for `preset` so that a
 * bad value stops the start instead of the model load. `undefined` in, `undefined` out (the preset's default: on in
 * the interactive preset, off in the parity preset).
 * @throws InvalidArgumentError naming `name`.
 */
export function parseBoundaryRefinementOption(
  text: string | undefined,
  name: string,
  preset: 'interactive' | 'parity',
): PredictorOptionsInput['boundaryRefinement'] {
  if (text === undefined) return undefined;
  try {
    const boundaryRefinement = parseBoundaryRefinementSpec(text);
    resolvePredictorOptions({ preset, boundaryRefinement });
    return boundaryRefinement;
  } catch (cause) {
    throw new InvalidArgumentError(`${name} "${text}": ${(cause as Error).message}`, { cause });
  }
}
