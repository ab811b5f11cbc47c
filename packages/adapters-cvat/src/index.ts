/**
 * @simpleclick/adapters-cvat: SimpleClick as a CVAT interactor (server side). The interactor core turns CVAT's
 * request (frame as base64, positive and negative points) into CVAT's answer (cropped mask, bounds, outline),
 * keeping per-frame click histories because CVAT sends no click order; an HTTP service and a nuclio handler
 * (Node.js runtime) carry it.
 * @packageDocumentation
 */

// --- interactor core ---
export { CvatInteractor } from './interactor/cvat-interactor';
export type { CvatInteraction, InteractionKind } from './interactor/cvat-interactor';
export { createCvatInteractorFromFile } from './interactor/create-interactor-from-file';
export type { CvatInteractorFromFileOptions } from './interactor/create-interactor-from-file';
export { DEFAULT_CVAT_INTERACTOR_OPTIONS, resolveInteractorOptions } from './interactor/interactor-options';
export type { CvatInteractorOptions, ImageDecoder } from './interactor/interactor-options';
export { parseCvatInteractorRequest } from './interactor/cvat-request';
export type { CvatInteractorRequest, CvatPoint, CvatBox, ParsedCvatRequest } from './interactor/cvat-request';
export { buildCvatResult } from './interactor/build-response';
export type { CvatInteractorResult, CvatResultOptions } from './interactor/build-response';
export { orderClicks, sameClick, REPLAY_ORDERS } from './interactor/click-order';
export type { ReplayOrder } from './interactor/click-order';
export { matchTrack, findBestTrack } from './interactor/click-track';
export type { ClickStep, ClickTrack, TrackMatch } from './interactor/click-track';
export { ByteLruCache } from './interactor/byte-lru-cache';
export { decodeBase64Image, hashImageBytes } from './interactor/image-bytes';
export { estimateStateBytes } from './interactor/state-bytes';

// --- answers shared by the transports ---
export { errorAnswer, describeError } from './error-response';
export type { ErrorAnswer, ErrorBody } from './error-response';
export { healthBody } from './health';
export type { HealthBody } from './health';

// --- HTTP service ---
export {
  createCvatRequestListener,
  createCvatHttpServer,
  startCvatHttpService,
  DEFAULT_CVAT_HTTP_SERVICE_OPTIONS,
} from './http/http-service';
export type { CvatHttpServiceOptions, RunningCvatHttpService } from './http/http-service';
export { readBody, RequestBodyTooLargeError } from './http/read-body';

// --- nuclio (Node.js runtime) ---
export { createNuclioHandler } from './nuclio/nuclio-handler';
export type { NuclioContext, NuclioEvent, NuclioHandler, NuclioResponseConstructor } from './nuclio/nuclio-handler';
export { createNuclioHandlerFromEnv } from './nuclio/nuclio-entry';
export { interactorSettingsFromEnv, INTERACTOR_ENV_VARIABLES, DEFAULT_NUCLIO_MODEL_PATH } from './nuclio/env-settings';
export type { InteractorSettings } from './nuclio/env-settings';

// --- command line ---
export { parseCliArgs, DEFAULT_SERVE_SETTINGS } from './cli/parse-args';
export type { CliCommand, ServeSettings } from './cli/parse-args';
export { ADAPTER_VERSION } from './version';
