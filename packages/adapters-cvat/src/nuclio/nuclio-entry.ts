import { createCvatInteractorFromFile } from '../interactor/create-interactor-from-file';
import { interactorSettingsFromEnv } from './env-settings';
import { createNuclioHandler, type NuclioHandler } from './nuclio-handler';

/**
 * A handler for nuclio's Node.js runtime: settings from the environment (see {@link interactorSettingsFromEnv}),
 * the model loading from the moment this is called. A bad setting throws here, at start-up (InvalidArgumentError
 * naming the variable), never per request; a model that fails to load makes every event answer 500 with the reason.
 *
 * The shipped function uses nuclio's Python runtime instead (nuclio/main.py starts `simpleclick-cvat --socket`):
 * the Node.js runtime's wrapper before nuclio's July 2025 fix cannot take events over 64 KiB.
 */
export function createNuclioHandlerFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): NuclioHandler {
  const settings = interactorSettingsFromEnv(env);
  return createNuclioHandler(createCvatInteractorFromFile(settings.modelPath, settings.options));
}
