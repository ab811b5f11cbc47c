import type { PredictorOptionsInput, SegmentationModel } from '@simpleclick/core';
import type { BoxCropOptions } from '@simpleclick/core';
import type { NodeModelOptions } from '@simpleclick/core/node';
import type { ImageFetchOptions } from '../images/fetch-image-bytes';
import type { AddressResolver } from '../images/guarded-http-get';
import type { LabelStudioConnection } from '../images/label-studio-auth';
import type { MaskPostProcessing } from '../segmentation/mask-post-processing';
import { DEFAULT_POLYGON_OUTPUT_OPTIONS, type PolygonOutputOptions, type RegionOutput } from '../results/region-output';

// The output options live in results/ (shared with the browser plugin, which must not import Node code).
export type { PolygonOutputOptions, RegionOutput };

/** Where a model comes from: an ONNX file path, or a function that creates one (tests, custom runtimes). */
export type ModelSource = string | (() => Promise<SegmentationModel>);

/** Everything {@link SimpleClickBackend.create} accepts. Only `model` is required. */
export interface BackendOptions {
  /** The SimpleClick ONNX model: a path (loaded with onnxruntime-node on first use) or a factory. */
  readonly model: ModelSource;
  /**
   * The `model_version` reported to Label Studio. Default: the model file name without `.onnx` (for a factory:
   * `simpleclick`).
   */
  readonly modelVersion?: string;
  /** Predictor settings (default: the `interactive` preset, no flip averaging). */
  readonly predictor?: PredictorOptionsInput;
  /** onnxruntime-node settings (threads, execution providers). */
  readonly runtime?: NodeModelOptions;
  /**
   * How to reach Label Studio for task images. Without a URL, the `hostname` and `access_token` that Label Studio
   * sends to `/setup` are used (for that project); a token from `/setup` is used with a configured URL only when
   * its `hostname` is that URL's origin.
   */
  readonly labelStudio?: LabelStudioConnection;
  /**
   * Hosts (`name`, `name:port`, IP literals) that image downloads may reach although they resolve to internal
   * addresses (loopback, private, link-local...). The Label Studio server and the hosts it redirects to (presigned
   * bucket URLs) need no entry.
   */
  readonly allowedHosts?: readonly string[];
  /** Resolves host names for image downloads (tests pass a fake; default: the system resolver). */
  readonly resolveHost?: AddressResolver;
  /** Read `/data/local-files/?d=...` from this folder when the file exists there. */
  readonly localFilesRoot?: string;
  /** Which regions to return (default `'auto'`). */
  readonly regions?: RegionOutput;
  readonly polygon?: Partial<PolygonOutputOptions>;
  readonly postProcessing?: Partial<MaskPostProcessing>;
  readonly boxCrop?: Partial<BoxCropOptions>;
  /** Largest image accepted, in pixels (default 40 megapixels). */
  readonly maxImagePixels?: number;
  /** Download limits for task images. */
  readonly imageFetch?: Partial<ImageFetchOptions>;
  /** Memory for decoded images (default 512 MiB). */
  readonly imageCacheBytes?: number;
  /** Memory for predictor states kept for click-prefix reuse (default 256 MiB). */
  readonly stateCacheBytes?: number;
  /** Most clicks (keypoints) accepted in one request (default 100). */
  readonly maxClicks?: number;
  /** Where progress and problems are reported (default: nowhere). */
  readonly log?: BackendLog;
  /** The fetch used for token refreshes at the Label Studio server (tests); default the global fetch. */
  readonly fetch?: typeof fetch;
}

/** Receives one line per event. */
export type BackendLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Defaults of the optional {@link BackendOptions}. */
export const DEFAULT_BACKEND_OPTIONS = Object.freeze({
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widens the literal Object.freeze infers, in the public type.
  regions: 'auto' as RegionOutput,
  polygon: DEFAULT_POLYGON_OUTPUT_OPTIONS,
  maxImagePixels: 40_000_000,
  imageCacheBytes: 512 * 1024 * 1024,
  stateCacheBytes: 256 * 1024 * 1024,
  maxClicks: 100,
});
