import { InvalidArgumentError, type MaskCleanUpOptions, type RgbImage } from '@simpleclick/core';
import { type MaskToPolygonsOptions } from '@simpleclick/core/formats';
import { REPLAY_ORDERS, type ReplayOrder } from './click-order';

/** Decodes encoded image bytes to RGB, refusing images over `maxPixels` (the default uses sharp). */
export type ImageDecoder = (bytes: Uint8Array, maxPixels: number) => Promise<RgbImage>;

/** Options of {@link CvatInteractor.create}. */
export interface CvatInteractorOptions {
  /** Byte budget of the decoded-image cache (RGB, 3 bytes per pixel), least recently used out first. */
  readonly maxImageCacheBytes: number;
  /** Byte budget of the click-state cache (the predictor's states, at most about 800 KB per click at S = 448). */
  readonly maxStateCacheBytes: number;
  /**
   * Click histories kept per image: several objects (or annotators) on one frame each keep theirs, and an older
   * history serves a request that returns to it (redo) without rerunning the model.
   */
  readonly maxTracksPerImage: number;
  /** Largest frame accepted, width * height, checked from the header before decoding. */
  readonly maxPixels: number;
  /** Most points (positive plus negative) per request: a replay runs the model once per point. */
  readonly maxPoints: number;
  /** Order given to clicks whose order is unknown; see {@link ReplayOrder}. */
  readonly replayOrder: ReplayOrder;
  /** Answer with `points` (the outline of the largest region) besides the mask. */
  readonly includePolygon: boolean;
  /** Polygon tracing options (connectivity, `epsilonPx`, `maxVerticesPerPolygon`, `minAreaPx`). */
  readonly polygon: Partial<MaskToPolygonsOptions>;
  /**
   * Mask clean-up before answering (keep components, remove islands, fill holes), or undefined for the
   * predictor's mask as it is. `keep: 'clicked'` uses the request's clicks.
   */
  readonly cleanUp?: Partial<Omit<MaskCleanUpOptions, 'clicks'>>;
  /** Whether {@link CvatInteractor.close} closes the predictor (and with it the model). */
  readonly ownsPredictor: boolean;
  /** Image decoder; default `decodeImageBytes` of `@simpleclick/core/node` (sharp; JPEG, PNG, TIFF, WebP, BMP). */
  readonly decodeImage?: ImageDecoder;
}

/** Defaults of {@link CvatInteractorOptions}. */
export const DEFAULT_CVAT_INTERACTOR_OPTIONS: Readonly<CvatInteractorOptions> = Object.freeze({
  maxImageCacheBytes: 512 * 1024 * 1024,
  maxStateCacheBytes: 256 * 1024 * 1024,
  maxTracksPerImage: 8,
  // A 8192 x 6144 frame; CVAT's default function body limit (32 MB of base64) rarely holds larger ones anyway.
  maxPixels: 50_000_000,
  maxPoints: 200,
  replayOrder: 'interleave',
  includePolygon: true,
  polygon: Object.freeze({}),
  ownsPredictor: false,
});

/** Merges `input` over the defaults and checks every value. Throws {@link InvalidArgumentError}. */
export function resolveInteractorOptions(input: Partial<CvatInteractorOptions> = {}): CvatInteractorOptions {
  const defined = Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined));
  const options: CvatInteractorOptions = { ...DEFAULT_CVAT_INTERACTOR_OPTIONS, ...defined };
  checkNumber('maxImageCacheBytes', options.maxImageCacheBytes, 0);
  checkNumber('maxStateCacheBytes', options.maxStateCacheBytes, 0);
  checkInteger('maxTracksPerImage', options.maxTracksPerImage, 1);
  checkNumber('maxPixels', options.maxPixels, 1);
  checkInteger('maxPoints', options.maxPoints, 1);
  if (!REPLAY_ORDERS.includes(options.replayOrder)) {
    const got = String(options.replayOrder);
    throw new InvalidArgumentError(`replayOrder must be one of ${REPLAY_ORDERS.join(', ')}, got ${got}`);
  }
  for (const name of ['includePolygon', 'ownsPredictor'] as const) {
    if (typeof options[name] !== 'boolean') throw new InvalidArgumentError(`${name} must be a boolean`);
  }
  if (options.decodeImage !== undefined && typeof options.decodeImage !== 'function') {
    throw new InvalidArgumentError('decodeImage must be a function (bytes, maxPixels) => Promise<RgbImage>');
  }
  return Object.freeze(options);
}

function checkNumber(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be a number >= ${min}, got ${String(value)}`);
  }
}

function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
