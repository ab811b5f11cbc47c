import { createHash } from 'node:crypto';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { constants as fsConstants } from 'node:fs';
import { ByteLruCache } from '@simpleclick/core/internal';
import { cropRgbImage, type RgbImage, type Roi } from '@simpleclick/core';
import { decodeImageBytes } from '@simpleclick/core/node';
import { BackendError } from '../errors/backend-error';
import { ImageHttpError } from '../errors/image-http-error';
import { DEFAULT_IMAGE_FETCH_OPTIONS, fetchImageBytes, type ImageFetchOptions } from './fetch-image-bytes';
import type { HttpGet } from './guarded-http-get';
import { resolveImageLocation, type ImageLocation } from './image-url';
import type { LabelStudioAuth } from './label-studio-auth';
import { TrustedHosts } from './trusted-hosts';

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
  /** Hosts besides Label Studio that downloads may reach on internal addresses. */
  readonly trustedHosts?: TrustedHosts;
  /** The GET used for downloads (tests pass one with a fake resolver). */
  readonly httpGet?: HttpGet;
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
  readonly #options: ImageStoreOptions;
  readonly #trustedHosts: TrustedHosts;
  readonly #cache: ByteLruCache<string, LoadedImage | RgbImage>;
  readonly #inFlight = new Map<string, Promise<LoadedImage>>();

  /** Downloads (or file reads) made so far. */
  fetchCount = 0;

  constructor(options: Partial<ImageStoreOptions> = {}) {
    this.#options = { ...DEFAULT_IMAGE_STORE_OPTIONS, ...options };
    this.#trustedHosts = this.#options.trustedHosts ?? new TrustedHosts();
    this.#cache = new ByteLruCache(this.#options.cacheBytes);
  }

  /** Bytes of decoded pixels held. */
  get cachedBytes(): number {
    return this.#cache.totalBytes;
  }

  /**
   * The image named by a task data value (see {@link resolveImageLocation} for the forms it takes), downloaded
   * from the Label Studio server `auth` names when the value is relative to it.
   * @throws BackendError (422 bad reference, corrupt or too large image; 502/504 download failures).
   */
  load(value: string, auth: LabelStudioAuth, taskId?: number | string): Promise<LoadedImage> {
    const location = resolveImageLocation(value, {
      ...(auth.baseUrl !== undefined ? { labelStudioUrl: auth.baseUrl } : {}),
      ...(taskId !== undefined ? { taskId } : {}),
      ...(this.#options.localFilesRoot !== undefined ? { localFilesRoot: this.#options.localFilesRoot } : {}),
    });
    // Relative paths name different files on different Label Studio servers.
    const key = `image:${auth.baseUrl ?? ''}|${cacheKeyOf(value, location)}`;
    const cached = this.#cache.get(key) as LoadedImage | undefined;
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#loadUncached(location, auth).then((loaded) => {
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
    if (roi.rowMin === 0 && roi.colMin === 0 && roi.rowMax === image.height - 1 && roi.colMax === image.width - 1)
      return image;
    const key = `crop:${loaded.contentKey}:${roi.rowMin},${roi.rowMax},${roi.colMin},${roi.colMax}`;
    const cached = this.#cache.get(key) as RgbImage | undefined;
    if (cached !== undefined) return cached;
    const crop = cropRgbImage(image, roi);
    this.#cache.set(key, crop, crop.data.byteLength);
    return crop;
  }

  async #loadUncached(location: ImageLocation, auth: LabelStudioAuth): Promise<LoadedImage> {
    const bytes = await this.#readBytes(location, auth);
    const contentKey = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    const image = await decodeImageBytes(bytes, { maxPixels: this.#options.maxPixels });
    return { image, contentKey };
  }

  async #readBytes(location: ImageLocation, auth: LabelStudioAuth): Promise<Uint8Array> {
    if (location.kind === 'data-url') return location.bytes;
    this.fetchCount++;
    const download = (url: URL) =>
      fetchImageBytes(
        url,
        {
          auth,
          trustedHosts: this.#trustedHosts,
          ...(this.#options.httpGet !== undefined ? { httpGet: this.#options.httpGet } : {}),
        },
        this.#options.fetch,
      );
    if (location.kind === 'local-file') {
      const bytes = await this.#readLocalFile(location.relativePath);
      if (bytes !== undefined) return bytes;
      if (location.fallbackUrl === undefined) {
        throw new BackendError(
          422,
          'IMAGE_URL',
          `local file "${location.relativePath}" not found under the local files root`,
        );
      }
      return download(location.fallbackUrl);
    }
    if (location.fallbackUrl === undefined) return download(location.url);
    try {
      return await download(location.url);
    } catch (error) {
      // Any HTTP error of the first route (an nginx-served instance answers 400, an old one 404) tries the second,
      // as the SDK does; network failures and timeouts would fail the same way there.
      if (!(error instanceof ImageHttpError)) throw error;
      try {
        return await download(location.fallbackUrl);
      } catch (fallbackError) {
        if (fallbackError instanceof ImageHttpError) {
          throw new ImageHttpError(fallbackError.httpStatus, `${fallbackError.message}; before that: ${error.message}`);
        }
        throw fallbackError;
      }
    }
  }

  /**
   * The file under the local files root, or undefined when it is not there. A path that leaves the root, by
   * `..` or through a symbolic link (the real path is checked), is refused; only a regular file is read, and at
   * most the size limit.
   */
  async #readLocalFile(relativePath: string): Promise<Uint8Array | undefined> {
    const maxBytes = this.#options.fetch.maxBytes ?? DEFAULT_IMAGE_FETCH_OPTIONS.maxBytes;
    const leaves = () =>
      new BackendError(422, 'IMAGE_URL', `local file path "${relativePath}" leaves the local files root`);
    const root = await realpath(resolve(this.#options.localFilesRoot as string)).catch(() => undefined);
    if (root === undefined) return undefined;
    const path = resolve(root, relativePath);
    if (!isInside(root, path)) throw leaves();
    const real = await realpath(path).catch(() => undefined);
    if (real === undefined) return undefined;
    if (!isInside(root, real)) throw leaves();
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the opened handle, so the file
    // cannot be swapped between the check and the read.
    const handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
    if (handle === undefined) return undefined;
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      if (info.size > maxBytes) {
        throw new BackendError(422, 'IMAGE_TOO_LARGE', `local file "${relativePath}" is larger than ${maxBytes} bytes`);
      }
      const bytes = new Uint8Array(info.size);
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesRead } = await handle.read(bytes, offset, bytes.length - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return bytes.subarray(0, offset);
    } catch (cause) {
      if (cause instanceof BackendError) throw cause;
      throw new BackendError(
        422,
        'IMAGE_URL',
        `cannot read local file "${relativePath}": ${(cause as Error).message}`,
        { cause },
      );
    } finally {
      await handle.close();
    }
  }
}

/** Whether `path` is `root` itself's descendant (both absolute and resolved). */
function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside !== '' && inside.split(sep)[0] !== '..' && !isAbsolute(inside);
}

/** The cache key of an image reference: the value as given (a data URL by its bytes' hash). */
function cacheKeyOf(value: string, location: ImageLocation): string {
  if (location.kind === 'data-url') return `data:${createHash('sha256').update(location.bytes).digest('hex')}`;
  return value.trim();
}
