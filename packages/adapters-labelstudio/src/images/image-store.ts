import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ByteLruCache, cropRgbImage, type RgbImage, type Roi } from '@simpleclick/core';
import { decodeImageBytes } from '@simpleclick/core/node';
import { BackendError } from '../errors/backend-error';
import { DEFAULT_IMAGE_FETCH_OPTIONS, fetchImageBytes, type ImageFetchOptions } from './fetch-image-bytes';
import { resolveImageLocation, type ImageLocation } from './image-url';
import type { LabelStudioAuth } from './label-studio-auth';

/** A decoded task image. */
export interface LoadedImage {
  /** RGB pixels, EXIF orientation applied. Never written: the predictor reuses work keyed on this array. */
  readonly image: RgbImage;
  /** Identifies the pixels: a hash of the encoded file (the same file under two URLs has the same key). */
  readonly contentKey: string;
}

/** Options of {@link ImageStore}. */
export interface ImageStoreOptions {
  /** Bytes of decoded RGB images (and box crops) kept in memory, least recently used evicted (default 512 MiB). */
  readonly cacheBytes: number;
  /** Largest image accepted, width x height, checked from the header before decoding (default 40 megapixels). */
  readonly maxPixels: number;
  /** Download limits. */
  readonly fetch: Partial<ImageFetchOptions>;
  /** Read `/data/local-files/?d=...` from this folder when the file is there (Label Studio's LOCAL_FILES_DOCUMENT_ROOT). */
  readonly localFilesRoot?: string;
}

/** Defaults of {@link ImageStoreOptions}. */
export const DEFAULT_IMAGE_STORE_OPTIONS: ImageStoreOptions = Object.freeze({
  cacheBytes: 512 * 1024 * 1024,
  maxPixels: 40_000_000,
  fetch: Object.freeze({}),
});

/**
 * Fetches, decodes and caches task images: one task gets many clicks, each a `/predict` with the same image
 * URL, so the image is downloaded and decoded once. Concurrent requests for the same image share one download.
 */
export class ImageStore {
  readonly #auth: LabelStudioAuth;
  readonly #options: ImageStoreOptions;
  readonly #fetch: typeof fetch;
  readonly #cache: ByteLruCache<string, LoadedImage | RgbImage>;
  readonly #inFlight = new Map<string, Promise<LoadedImage>>();

  /** Downloads (or file reads) made so far. */
  fetchCount = 0;

  constructor(auth: LabelStudioAuth, options: Partial<ImageStoreOptions> = {}, fetchImpl: typeof fetch = fetch) {
    this.#auth = auth;
    this.#options = { ...DEFAULT_IMAGE_STORE_OPTIONS, ...options };
    this.#fetch = fetchImpl;
    this.#cache = new ByteLruCache(this.#options.cacheBytes);
  }

  /** Bytes of decoded pixels held. */
  get cachedBytes(): number {
    return this.#cache.totalBytes;
  }

  /**
   * The image named by a task data value (see {@link resolveImageLocation} for the forms it takes).
   * @throws BackendError (422 bad reference, corrupt or too large image; 502/504 download failures).
   */
  load(value: string, taskId?: number | string): Promise<LoadedImage> {
    const location = resolveImageLocation(value, {
      ...(this.#auth.baseUrl !== undefined ? { labelStudioUrl: this.#auth.baseUrl } : {}),
      ...(taskId !== undefined ? { taskId } : {}),
      ...(this.#options.localFilesRoot !== undefined ? { localFilesRoot: this.#options.localFilesRoot } : {}),
    });
    const key = `image:${cacheKeyOf(value, location)}`;
    const cached = this.#cache.get(key) as LoadedImage | undefined;
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#loadUncached(location).then((loaded) => {
        this.#cache.set(key, loaded, loaded.image.data.byteLength);
        return loaded;
      });
      const forget = () => this.#inFlight.delete(key);
      pending.then(forget, forget);
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** The pixels of `roi` of a loaded image, cached so that the same crop is the same array next time. */
  crop(loaded: LoadedImage, roi: Roi): RgbImage {
    const { image } = loaded;
    if (roi.rowMin === 0 && roi.colMin === 0 && roi.rowMax === image.height - 1 && roi.colMax === image.width - 1) return image;
    const key = `crop:${loaded.contentKey}:${roi.rowMin},${roi.rowMax},${roi.colMin},${roi.colMax}`;
    const cached = this.#cache.get(key) as RgbImage | undefined;
    if (cached !== undefined) return cached;
    const crop = cropRgbImage(image, roi);
    this.#cache.set(key, crop, crop.data.byteLength);
    return crop;
  }

  async #loadUncached(location: ImageLocation): Promise<LoadedImage> {
    const bytes = await this.#readBytes(location);
    const contentKey = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    const image = await decodeImageBytes(bytes, { maxPixels: this.#options.maxPixels });
    return { image, contentKey };
  }

  async #readBytes(location: ImageLocation): Promise<Uint8Array> {
    if (location.kind === 'data-url') return location.bytes;
    this.fetchCount++;
    if (location.kind === 'local-file') {
      const bytes = await this.#readLocalFile(location.relativePath);
      if (bytes !== undefined) return bytes;
      if (location.fallbackUrl === undefined) {
        throw new BackendError(422, 'IMAGE_URL', `local file "${location.relativePath}" not found under the local files root`);
      }
      return fetchImageBytes(location.fallbackUrl, this.#auth, this.#options.fetch, this.#fetch);
    }
    return fetchImageBytes(location.url, this.#auth, this.#options.fetch, this.#fetch);
  }

  /** The file under the local files root, or undefined when it is not there. Paths leaving the root are refused. */
  async #readLocalFile(relativePath: string): Promise<Uint8Array | undefined> {
    const root = resolve(this.#options.localFilesRoot as string);
    const path = resolve(root, relativePath);
    const inside = relative(root, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new BackendError(422, 'IMAGE_URL', `local file path "${relativePath}" leaves the local files root`);
    }
    const maxBytes = this.#options.fetch.maxBytes ?? DEFAULT_IMAGE_FETCH_OPTIONS.maxBytes;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return undefined;
    if (info.size > maxBytes) {
      throw new BackendError(422, 'IMAGE_TOO_LARGE', `local file "${relativePath}" is larger than ${maxBytes} bytes`);
    }
    try {
      const bytes = await readFile(path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (cause) {
      throw new BackendError(422, 'IMAGE_URL', `cannot read local file "${relativePath}": ${(cause as Error).message}`, { cause });
    }
  }
}

/** The cache key of an image reference: the value as given (a data URL by its bytes' hash). */
function cacheKeyOf(value: string, location: ImageLocation): string {
  if (location.kind === 'data-url') return `data:${createHash('sha256').update(location.bytes).digest('hex')}`;
  return value.trim();
}
