/**
 * @simpleclick/adapters-labelstudio: SimpleClick as a smart click tool in Label Studio. A Label Studio ML backend
 * (`serve`, the `simpleclick-labelstudio` command) that turns interactive keypoints and boxes into brush or
 * polygon regions, plus the Label Studio result builders the SDK's CLI shares.
 * @module @simpleclick/adapters-labelstudio
 */

// --- server ---
export { serve, DEFAULT_SERVE_OPTIONS } from './server/serve';
export type { ServeOptions, RunningBackend, ServerTimeouts } from './server/serve';
export { createRequestListener, DEFAULT_REQUEST_LISTENER_OPTIONS } from './server/request-listener';
export type { RequestListenerOptions } from './server/request-listener';
export type { BasicAuthCredentials } from './server/basic-auth';

// --- backend (protocol without HTTP) ---
export { SimpleClickBackend } from './backend/simpleclick-backend';
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
export { ImageHttpError } from './errors/image-http-error';
// Option types of BackendOptions, with their defaults.
export type { LabelStudioConnection } from './images/label-studio-auth';
export { DEFAULT_IMAGE_FETCH_OPTIONS } from './images/fetch-image-bytes';
export type { ImageFetchOptions } from './images/fetch-image-bytes';
export type { AddressResolver, ResolvedAddress } from './images/guarded-http-get';
export { DEFAULT_MASK_POST_PROCESSING } from './segmentation/interactive-segmenter';
export type { MaskPostProcessing } from './segmentation/interactive-segmenter';
// The box crop is shared with the CVAT interactor (one implementation, in core); re-exported here as BackendOptions.boxCrop's type and defaults.
export { DEFAULT_BOX_CROP_OPTIONS } from '@simpleclick/core';
export type { BoxCropOptions } from '@simpleclick/core';

// Label Studio regions built from masks (brushRegion, polygonRegions, ...) are in @simpleclick/core/formats.

export { ADAPTER_VERSION } from './version';
