import { createCvatInteractorFromFile } from '../interactor/create-interactor-from-file';
import { interactorSettingsFromEnv } from './env-settings';
import { createNuclioHandler, type NuclioHandler } from './nuclio-handler';

/**
 * The handler the deployed function uses (nuclio/handler.js): settings from the environment (see
 * {@link interactorSettingsFromEnv}), the model loading from the moment this is called. A model that fails to load
 * (or a bad setting) makes every event answer 500 with the reason; fix the function and redeploy.
 */
export function createNuclioHandlerFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): NuclioHandler {
  const interactor = Promise.resolve().then(() => {
    const settings = interactorSettingsFromEnv(env);
    return createCvatInteractorFromFile(settings.modelPath, settings.options);
  });
  return createNuclioHandler(interactor);
}
