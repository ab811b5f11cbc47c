/**
 * @simpleclick/adapters-cvat: SimpleClick as a CVAT interactor (server side). The interactor core turns CVAT's
 * request (frame as base64, positive and negative points) into CVAT's answer (cropped mask, bounds, outline),
 * defined by the request alone (CVAT sends no click order; per-frame caches only save work); an HTTP service carries
 * it, which the nuclio function (Python runtime, nuclio/main.py) starts in its container.
 * @module @simpleclick/adapters-cvat
 */

// --- interactor ---
export { CvatInteractor } from './interactor/cvat-interactor';
export type { CvatInteraction, InteractionKind } from './interactor/cvat-interactor';
export { createCvatInteractorFromFile } from './interactor/create-interactor-from-file';
export type { CvatInteractorFromFileOptions } from './interactor/create-interactor-from-file';
export { DEFAULT_CVAT_INTERACTOR_OPTIONS } from './interactor/interactor-options';
export type { CvatInteractorOptions, ImageDecoder } from './interactor/interactor-options';
export type { ReplayOrder } from './interactor/click-order';
export type { CvatInteractorRequest, CvatPoint } from './interactor/cvat-request';
export type { CvatInteractorResult } from './interactor/build-response';

// --- HTTP service ---
export {
  createCvatRequestListener,
  createCvatHttpServer,
  startCvatHttpService,
  DEFAULT_CVAT_HTTP_SERVICE_OPTIONS,
} from './http/http-service';
export type { CvatHttpServiceOptions, CvatListenAddress, RunningCvatHttpService } from './http/http-service';
export { DEFAULT_SERVICE_PORT } from './service-port';

// --- nuclio, Node.js runtime (the shipped function uses the Python runtime: nuclio/main.py runs the service) ---
export { createNuclioHandler } from './nuclio/nuclio-handler';
export type { NuclioContext, NuclioEvent, NuclioHandler, NuclioResponseConstructor } from './nuclio/nuclio-handler';
export { createNuclioHandlerFromEnv } from './nuclio/nuclio-entry';
export { interactorSettingsFromEnv, INTERACTOR_ENV_VARIABLES, DEFAULT_NUCLIO_MODEL_PATH } from './nuclio/env-settings';
export type { InteractorSettings } from './nuclio/env-settings';

export { ADAPTER_VERSION } from './version';
