import { BackendError } from '../errors/backend-error';

/*
 * Where a task's image lives, from the value in the task data (the rules of Label Studio's own
 * `get_local_path` in label-studio-sdk):
 * - `/data/upload/<project>/<file>` (also written `upload/...`): an uploaded file. Label Studio serves it at
 *   `/storage-data/uploaded/?filepath=upload/<project>/<file>` whatever its default storage is (a cloud bucket
 *   included, where `/data/upload/` does not exist), so that route is tried first and `/data/upload/...` second
 *   (an instance with nginx serving uploads answers the first with an error), as the SDK does;
 * - `/data/local-files/?d=...`, `/storage-data/...` and any other path starting with `/`: a file served by the
 *   Label Studio server, fetched from its URL with the API token;
 * - `s3://`, `gs://`, `azure-blob://`, `azure-spi://`: a cloud storage object, fetched through Label Studio's
 *   presign endpoint `/tasks/<task id>/presign/?fileuri=<URL-safe base64 of the URI>`, which redirects to a
 *   presigned URL of the bucket;
 * - `http://`, `https://`: fetched as is (with the token only when it points at the Label Studio server);
 * - `data:image/...;base64,...`: decoded in place.
 */

/** Cloud storage URI schemes Label Studio presigns. */
const CLOUD_STORAGE_SCHEMES = ['s3', 'gs', 'azure-blob', 'azure-spi'] as const;

/** Where to read an image from. */
export type ImageLocation =
  | { readonly kind: 'url'; readonly url: URL; readonly fallbackUrl?: URL }
  | { readonly kind: 'data-url'; readonly bytes: Uint8Array }
  | { readonly kind: 'local-file'; readonly relativePath: string; readonly fallbackUrl?: URL };

/** What {@link resolveImageLocation} needs besides the value. */
export interface ImageLocationContext {
  /** Base URL of the Label Studio server (may include a path prefix); needed for relative and cloud URLs. */
  readonly labelStudioUrl?: string;
  /** Id of the task the image belongs to; needed for cloud storage URIs. */
  readonly taskId?: number | string;
  /** Read `/data/local-files/?d=...` from this folder instead of over HTTP (Label Studio's LOCAL_FILES_DOCUMENT_ROOT). */
  readonly localFilesRoot?: string;
}

/**
 * Where the image named by a task data value is (see the module notes).
 * @throws BackendError 422 `IMAGE_URL` for a value that is not an image reference this backend can follow, or
 *   one that needs the Label Studio URL (or task id) when none is known.
 */
export function resolveImageLocation(value: string, context: ImageLocationContext = {}): ImageLocation {
  const reference = value.trim();
  if (reference === '') throw imageUrlError('the task data value of the image is empty');

  if (/^data:/i.test(reference)) return { kind: 'data-url', bytes: decodeDataUrl(reference) };
  if (/^https?:\/\//i.test(reference)) return { kind: 'url', url: parseUrl(reference) };

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(reference)?.[1]?.toLowerCase();
  if (scheme !== undefined && (CLOUD_STORAGE_SCHEMES as readonly string[]).includes(scheme)) {
    const base = requireLabelStudioUrl(context, reference);
    if (context.taskId === undefined) {
      throw imageUrlError(`the cloud storage URI ${reference} needs the task id (tasks[0].id) to be presigned`);
    }
    const path = `/tasks/${encodeURIComponent(String(context.taskId))}/presign/?fileuri=${encodeURIComponent(base64UrlWithPadding(reference))}`;
    return { kind: 'url', url: joinLabelStudioUrl(base, path) };
  }
  if (scheme !== undefined) throw imageUrlError(`unsupported image URL scheme "${scheme}" in ${reference}`);

  const path = /^\/?upload\//.test(reference) ? `/data/${reference.replace(/^\//, '')}` : reference;
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw imageUrlError(
      `cannot tell where the image "${reference}" is (expected an http(s) URL, a Label Studio path or a cloud URI)`,
    );
  }
  const localFile = localFilesPath(path);
  if (localFile !== undefined && context.localFilesRoot !== undefined) {
    const fallbackUrl =
      context.labelStudioUrl !== undefined ? joinLabelStudioUrl(context.labelStudioUrl, path) : undefined;
    return { kind: 'local-file', relativePath: localFile, ...(fallbackUrl !== undefined ? { fallbackUrl } : {}) };
  }
  const base = requireLabelStudioUrl(context, reference);
  const upload = /^\/data\/(upload\/[^?#]+)$/.exec(path);
  if (upload !== null) {
    return {
      kind: 'url',
      url: joinLabelStudioUrl(base, storageProxyPath(upload[1])),
      fallbackUrl: joinLabelStudioUrl(base, path),
    };
  }
  return { kind: 'url', url: joinLabelStudioUrl(base, path) };
}

/**
 * The storage proxy path of an upload key (`upload/<project>/<file>`): the key goes in the query as the SDK writes
 * it (slashes kept), with the characters that would end or split a query parameter escaped.
 */
export function storageProxyPath(uploadKey: string): string {
  const key = encodeURIComponent(safeDecode(uploadKey)).replace(/%2F/gi, '/');
  return `/storage-data/uploaded/?filepath=${key}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `base` + `path` as label-studio-sdk joins them: one slash between, the base's own path prefix kept. */
export function joinLabelStudioUrl(base: string, path: string): URL {
  return parseUrl(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}

/** URL-safe base64 with `=` padding, as Python's `base64.urlsafe_b64encode` writes it (Label Studio decodes that). */
export function base64UrlWithPadding(text: string): string {
  const unpadded = Buffer.from(text, 'utf8').toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** The `d` parameter of a `/data/local-files/?d=...` path, or undefined for other paths. */
function localFilesPath(path: string): string | undefined {
  const url = new URL(path, 'http://placeholder');
  if (!/^\/data\/local-files\/?$/.test(url.pathname)) return undefined;
  const file = url.searchParams.get('d');
  return file === null || file === '' ? undefined : file;
}

function requireLabelStudioUrl(context: ImageLocationContext, reference: string): string {
  if (context.labelStudioUrl === undefined || context.labelStudioUrl === '') {
    throw imageUrlError(
      `the image "${reference}" is stored by Label Studio: start the backend with the Label Studio URL ` +
        '(--ls-url or LABEL_STUDIO_URL) and an API key or access token',
    );
  }
  return context.labelStudioUrl;
}

function decodeDataUrl(reference: string): Uint8Array {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(reference);
  if (match === null || match[2] === undefined) {
    throw imageUrlError('only base64 data URLs (data:image/...;base64,...) are supported');
  }
  return new Uint8Array(Buffer.from(match[3], 'base64'));
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch (cause) {
    throw imageUrlError(`not a valid URL: ${text}`, cause);
  }
}

function imageUrlError(message: string, cause?: unknown): BackendError {
  return new BackendError(422, 'IMAGE_URL', message, cause === undefined ? undefined : { cause });
}
