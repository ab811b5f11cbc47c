import { BackendError } from '../errors/backend-error';
import { ImageHttpError } from '../errors/image-http-error';
import { createGuardedHttpGet, type HttpGet } from './guarded-http-get';
import type { LabelStudioAuth } from './label-studio-auth';
import { TrustedHosts } from './trusted-hosts';

/** Limits of the download of a task image (`fetchImageBytes`). */
export interface ImageFetchOptions {
  /** Largest image file accepted, in bytes (default 100 MiB). */
  readonly maxBytes: number;
  /** Time for the whole download, redirects included (default 30 s). */
  readonly timeoutMs: number;
  /** Redirects followed at most (default 5). */
  readonly maxRedirects: number;
}

/** Defaults of {@link ImageFetchOptions}. */
export const DEFAULT_IMAGE_FETCH_OPTIONS: ImageFetchOptions = Object.freeze({
  maxBytes: 100 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRedirects: 5,
});

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Who may be connected to, and with which credentials. */
export interface ImageDownloadContext {
  /** The Label Studio connection: its origin is trusted, and its token goes to its media routes. */
  readonly auth?: LabelStudioAuth;
  /** Other hosts the operator trusts (no internal-address check). */
  readonly trustedHosts?: TrustedHosts;
  /** The GET used (default: Node's http with the address check in the socket's lookup). */
  readonly httpGet?: HttpGet;
}

/** Shared default GET: its keep-alive pools are reused across downloads. */
let defaultHttpGet: HttpGet | undefined;

/** One answer for every failure to reach an untrusted host, so that the answer tells nothing about the network. */
const UNREACHABLE = 'not reachable, or not an address this backend may connect to (see the backend log)';

/**
 * Downloads an image. Redirects are followed here, one hop at a time, so that each hop is decided on its own:
 * - the Label Studio token goes with a request to a Label Studio media route and nowhere else (the presign
 *   endpoint redirects to the bucket, which never sees it);
 * - a hop to the Label Studio server, to a host of `trustedHosts`, or to where a Label Studio media route
 *   redirected, may reach any address (the bucket behind presign may be a self-hosted store on a private network);
 *   any other hop may only connect to public addresses: every address its host resolves to is checked, in the
 *   socket's own DNS lookup (OWASP's SSRF guidance). Such a hop's failures, refused or unreachable alike, all get
 *   one answer, so the backend cannot be used to map the network behind it.
 * A 401 from Label Studio with a refreshable access token refreshes it and retries once.
 *
 * @throws BackendError 502 `IMAGE_FETCH` (refused or unreachable host, HTTP error, too many redirects), 504
 *   `IMAGE_FETCH_TIMEOUT`, 422 `IMAGE_TOO_LARGE` (file over `maxBytes`).
 */
export async function fetchImageBytes(
  startUrl: URL,
  context: ImageDownloadContext = {},
  options: Partial<ImageFetchOptions> = {},
): Promise<Uint8Array> {
  const { maxBytes, timeoutMs, maxRedirects } = { ...DEFAULT_IMAGE_FETCH_OPTIONS, ...options };
  const { auth } = context;
  const trustedHosts = context.trustedHosts ?? new TrustedHosts();
  const httpGet = context.httpGet ?? (defaultHttpGet ??= createGuardedHttpGet());
  const signal = AbortSignal.timeout(timeoutMs);
  let url = startUrl;
  let retriedAuth = false;
  let redirectedByLabelStudio = false;
  // eslint-disable-next-line no-useless-assignment -- read by the catch below when the first hop throws before it is set.
  let trusted = false;
  try {
    for (let hop = 0; ; hop++) {
      trusted = redirectedByLabelStudio || auth?.isLabelStudioUrl(url) === true || trustedHosts.includes(url);
      const authorization = auth === undefined ? undefined : await auth.authorizationFor(url);
      const headers: Record<string, string> = { accept: 'image/*,*/*;q=0.8', 'user-agent': 'simpleclick-labelstudio' };
      if (authorization !== undefined) headers.authorization = authorization;
      const response = await httpGet(url, { headers, signal, checkAddresses: !trusted });

      if (REDIRECT_STATUSES.has(response.status)) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (location === null)
          throw fetchError(`${describeUrl(url)} answered HTTP ${response.status} without a Location`);
        if (hop >= maxRedirects)
          throw fetchError(`more than ${maxRedirects} redirects fetching ${describeUrl(startUrl)}`);
        // Trusted: where a Label Studio media route (presign) sends the backend. Not any Label Studio page, so that
        // a redirect elsewhere in Label Studio (a login page's `next=`) cannot open the internal network.
        redirectedByLabelStudio = auth?.isMediaUrl(url) === true;
        url = new URL(location, url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          throw fetchError(`${describeUrl(startUrl)} redirects to an unsupported ${url.protocol} URL`);
        }
        continue;
      }
      if (response.status === 401 && authorization !== undefined && auth?.usesAccessTokens && !retriedAuth) {
        await response.body?.cancel();
        auth.invalidateAccessToken();
        retriedAuth = true;
        hop--;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const refused = response.status === 401 || response.status === 403;
        const hint = !refused
          ? ''
          : auth?.isMediaUrl(url) && auth.hasToken
            ? ' (check the Label Studio API key or access token, and that its user may see this project)'
            : auth?.isLabelStudioUrl(url)
              ? auth.isMediaUrl(url)
                ? ' (start the backend with --ls-api-key or --ls-access-token)'
                : ' (not a Label Studio media route: the token is not sent there)'
              : '';
        throw new ImageHttpError(
          response.status,
          `cannot fetch the image ${describeUrl(url)}: HTTP ${response.status}${hint}`,
        );
      }
      return await readLimited(response, maxBytes, url);
    }
  } catch (error) {
    if (error instanceof BackendError) throw error;
    if (signal.aborted || (error as Error)?.name === 'TimeoutError') {
      throw new BackendError(
        504,
        'IMAGE_FETCH_TIMEOUT',
        `fetching the image ${describeUrl(url)} took longer than ${timeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    if (!trusted) throw fetchError(`cannot fetch the image ${describeUrl(url)}: ${UNREACHABLE}`, error);
    throw fetchError(`cannot reach ${describeUrl(url)}: ${messageOf(error)}`, error);
  }
}

/** Reads the body, refusing more than `maxBytes` (from Content-Length when given, else while streaming). */
async function readLimited(response: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** A URL for messages and logs: origin and path, without the query (presigned URLs carry signatures there). */
function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search !== '' ? '?…' : ''}`;
}

function tooLarge(url: URL, maxBytes: number): BackendError {
  return new BackendError(422, 'IMAGE_TOO_LARGE', `the image ${describeUrl(url)} is larger than ${maxBytes} bytes`);
}

function fetchError(message: string, cause?: unknown): BackendError {
  return new BackendError(502, 'IMAGE_FETCH', message, cause === undefined ? undefined : { cause });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
