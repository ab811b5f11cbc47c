/**
 * @simpleclick/adapters-labelstudio: SimpleClick as a smart click tool in Label Studio. A Label Studio ML backend
 * (`serve`, the `simpleclick-labelstudio` command) that turns interactive keypoints and boxes into brush or
 * polygon regions, plus the Label Studio result builders the SDK's CLI shares.
 * @packageDocumentation
 */

// --- server ---
export { serve, DEFAULT_SERVE_OPTIONS } from './server/serve';
export type { ServeOptions, RunningBackend } from './server/serve';
export { createRequestListener, DEFAULT_REQUEST_LISTENER_OPTIONS } from './server/request-listener';
export type { RequestListenerOptions } from './server/request-listener';
export { parseBasicAuthPair, basicAuthMatches } from './server/basic-auth';
export type { BasicAuthCredentials } from './server/basic-auth';

// --- backend (protocol without HTTP) ---
export { SimpleClickBackend, MODEL_CLASS_NAME } from './backend/simpleclick-backend';
export type { BackendHealth, BackendStats, ModelState, PredictResponse } from './backend/simpleclick-backend';
export { DEFAULT_BACKEND_OPTIONS } from './backend/backend-options';
export type {
  BackendOptions,
  BackendLog,
  ModelSource,
  PolygonOutputOptions,
  RegionOutput,
} from './backend/backend-options';
export { BackendError, toBackendError } from './errors/backend-error';
export type { BackendErrorCode } from './errors/backend-error';

// --- Label Studio protocol ---
export { parseLabelConfig, isTag, MAX_LABEL_CONFIG_CHARS } from './protocol/label-config';
export type { LabelConfig, LabelConfigControl, LabelConfigObject } from './protocol/label-config';
export { parseInteractiveContext } from './protocol/interactive-context';
export type { InteractiveContext } from './protocol/interactive-context';
export { parsePredictRequest, parseSetupRequest } from './protocol/predict-request';
export type { PredictRequest, SetupRequest, LabelStudioTask } from './protocol/predict-request';
export { selectOutputTargets } from './protocol/output-targets';
export type { OutputTargets, RegionKinds } from './protocol/output-targets';
export { percentToPixelIndex, keypointToClick, boxToRoi, PERCENT_TOLERANCE } from './protocol/percent-coordinates';
export type { PercentPoint, PercentKeypoint, PercentBox } from './protocol/percent-coordinates';

// --- results ---
export { brushRegion, polygonRegions, DEFAULT_LABEL_STUDIO_NAMES } from './results/label-studio-regions';
export type {
  LabelStudioResultType,
  LabelStudioNames,
  LabelStudioRegion,
  LabelStudioPrediction,
  RegionExtras,
} from './results/label-studio-regions';

// --- images ---
export { resolveImageLocation, joinLabelStudioUrl, base64UrlWithPadding, CLOUD_STORAGE_SCHEMES } from './images/image-url';
export type { ImageLocation, ImageLocationContext } from './images/image-url';
export { LabelStudioAuth, DEFAULT_LABEL_STUDIO_AUTH_OPTIONS, isJwt, jwtExpiry } from './images/label-studio-auth';
export type { LabelStudioConnection, LabelStudioAuthOptions } from './images/label-studio-auth';
export { fetchImageBytes, describeUrl, DEFAULT_IMAGE_FETCH_OPTIONS } from './images/fetch-image-bytes';
export type { ImageFetchOptions } from './images/fetch-image-bytes';
export { ImageStore, DEFAULT_IMAGE_STORE_OPTIONS } from './images/image-store';
export type { ImageStoreOptions, LoadedImage } from './images/image-store';

// --- segmentation ---
export {
  InteractiveSegmenter,
  DEFAULT_INTERACTIVE_SEGMENTER_OPTIONS,
  DEFAULT_MASK_POST_PROCESSING,
} from './segmentation/interactive-segmenter';
export type {
  InteractiveSegmenterOptions,
  MaskPostProcessing,
  SegmentInput,
  SegmentOutput,
} from './segmentation/interactive-segmenter';
export { ClickStateCache } from './segmentation/click-state-cache';
export { boxCropRoi, boxCentreClick, clicksInCrop, pasteMask, DEFAULT_BOX_CROP_OPTIONS } from './segmentation/box-crop';
export type { BoxCropOptions } from './segmentation/box-crop';
export { resizeMaskNearest } from './segmentation/resize-mask-nearest';
export { ByteLruCache } from './cache/byte-lru-cache';

// --- command line ---
export { runCli, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './cli/run-cli';
export type { CliIo, CliOutcome } from './cli/run-cli';
export { parseCliArgs, UsageError, HELP_TEXT } from './cli/parse-cli-args';
export type { CliCommand } from './cli/parse-cli-args';
export { ADAPTER_VERSION } from './version';
