import { InvalidArgumentError } from '@simpleclick/core';
import { BackendError } from '../errors/backend-error';
import { joinLabelStudioUrl } from './image-url';
import { isMediaRoute } from './media-routes';

/** How the backend reaches the Label Studio server to download task images. */
export interface LabelStudioConnection {
  /** Base URL of the Label Studio server, e.g. `http://localhost:8080` (a path prefix is kept). */
  readonly url?: string;
  /**
   * Label Studio API key. A legacy token is sent as `Authorization: Token <key>`; a key that is a JWT is taken
   * for a personal access token (as label-studio-sdk does) and exchanged like {@link personalAccessToken}.
   */
  readonly apiKey?: string;
  /**
   * Personal access token (a JWT refresh token, Label Studio 1.17+): exchanged at `/api/token/refresh/` for a
   * short-lived access token sent as `Authorization: Bearer <access>`, refreshed before it expires.
   */
  readonly personalAccessToken?: string;
}

/** Timing of {@link LabelStudioAuth}. */
export interface LabelStudioAuthOptions {
  /** Refresh an access token this long before its `exp` (default 30 s). */
  readonly refreshMarginMs: number;
  /** Timeout of the token refresh request (default 15 s). */
  readonly timeoutMs: number;
}

/** Defaults of {@link LabelStudioAuthOptions}. */
export const DEFAULT_LABEL_STUDIO_AUTH_OPTIONS: LabelStudioAuthOptions = Object.freeze({
  refreshMarginMs: 30_000,
  timeoutMs: 15_000,
});

/** Access tokens without a readable `exp` are reused for this long. */
const UNKNOWN_EXPIRY_LIFETIME_MS = 60_000;

/**
 * The `Authorization` header for requests to the Label Studio server's media routes, and only to them:
 * {@link authorizationFor} answers `undefined` for a URL of any other origin (scheme, host and port), so a presigned
 * bucket URL or a third-party image host never sees the token, redirects included; and for any other path of the
 * Label Studio server (see `isMediaRoute`), so that a task value such as `/data/upload/../../api/users` cannot
 * spend the token on the API.
 */
export class LabelStudioAuth {
  /** Origin of the Label Studio server, or undefined when no URL is configured. */
  readonly origin: string | undefined;
  readonly #baseUrl: string | undefined;
  /** Path prefix of the Label Studio URL, without the trailing slash (`''` at the root). */
  readonly #basePath: string = '';
  readonly #legacyToken: string | undefined;
  readonly #refreshToken: string | undefined;
  readonly #options: LabelStudioAuthOptions;
  readonly #fetch: typeof fetch;
  #access: { token: string; expiresAtMs: number } | undefined;
  #refreshing: Promise<string> | undefined;

  /** Refresh calls made so far (for metrics and tests). */
  refreshCount = 0;

  constructor(
    connection: LabelStudioConnection = {},
    options: Partial<LabelStudioAuthOptions> = {},
    fetchImpl: typeof fetch = fetch,
  ) {
    this.#options = { ...DEFAULT_LABEL_STUDIO_AUTH_OPTIONS, ...options };
    this.#fetch = fetchImpl;
    const url = connection.url?.trim();
    if (url !== undefined && url !== '') {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch (cause) {
        throw new InvalidArgumentError(`the Label Studio URL is not a valid URL: ${url}`, { cause });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new InvalidArgumentError(`the Label Studio URL must start with http:// or https://, got ${url}`);
      }
      this.#baseUrl = url.replace(/\/+$/, '');
      this.origin = parsed.origin;
      this.#basePath = parsed.pathname.replace(/\/+$/, '');
    }
    const apiKey = connection.apiKey?.trim() || undefined;
    const pat = connection.personalAccessToken?.trim() || undefined;
    if (apiKey !== undefined && pat !== undefined) {
      throw new InvalidArgumentError('give either a Label Studio API key or a personal access token, not both');
    }
    if (pat !== undefined || (apiKey !== undefined && isJwt(apiKey))) this.#refreshToken = pat ?? apiKey;
    else this.#legacyToken = apiKey;
    if ((this.#legacyToken !== undefined || this.#refreshToken !== undefined) && this.#baseUrl === undefined) {
      throw new InvalidArgumentError('a Label Studio token needs the Label Studio URL too (--ls-url)');
    }
  }

  /** The Label Studio base URL, when configured. */
  get baseUrl(): string | undefined {
    return this.#baseUrl;
  }

  /** Whether a token is configured. */
  get hasToken(): boolean {
    return this.#legacyToken !== undefined || this.#refreshToken !== undefined;
  }

  /** Whether `url` is on the Label Studio server (same origin). */
  isLabelStudioUrl(url: URL): boolean {
    return this.origin !== undefined && url.origin === this.origin;
  }

  /** Whether `url` is one of the Label Studio server's media routes, the only URLs the token goes to. */
  isMediaUrl(url: URL): boolean {
    return this.isLabelStudioUrl(url) && isMediaRoute(url, this.#basePath);
  }

  /**
   * The `Authorization` header value for `url`: `Token <key>` or `Bearer <access>` for a media route of the Label
   * Studio server, `undefined` for any other URL or when no token is configured.
   * @throws BackendError 502 `LABEL_STUDIO_AUTH` when the access token cannot be obtained.
   */
  async authorizationFor(url: URL): Promise<string | undefined> {
    if (!this.isMediaUrl(url)) return undefined;
    if (this.#legacyToken !== undefined) return `Token ${this.#legacyToken}`;
    if (this.#refreshToken === undefined) return undefined;
    const access = this.#access;
    if (access !== undefined && Date.now() < access.expiresAtMs - this.#options.refreshMarginMs)
      return `Bearer ${access.token}`;
    return `Bearer ${await this.#refresh()}`;
  }

  /** Forgets the access token (after a 401 with it), so the next {@link authorizationFor} refreshes. */
  invalidateAccessToken(): void {
    this.#access = undefined;
  }

  /** Whether the header is a refreshable access token (a 401 then deserves one retry). */
  get usesAccessTokens(): boolean {
    return this.#refreshToken !== undefined;
  }

  #refresh(): Promise<string> {
    // Concurrent requests share one refresh call.
    this.#refreshing ??= this.#requestAccessToken().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #requestAccessToken(): Promise<string> {
    const url = joinLabelStudioUrl(this.#baseUrl as string, '/api/token/refresh/');
    this.refreshCount++;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refresh: this.#refreshToken }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (cause) {
      throw new BackendError(
        502,
        'LABEL_STUDIO_AUTH',
        `cannot reach Label Studio at ${url.origin} to refresh the access token: ${messageOf(cause)}`,
        { cause },
      );
    }
    const body = (await response.json().catch(() => undefined)) as { access?: unknown } | undefined;
    if (!response.ok || typeof body?.access !== 'string' || body.access === '') {
      throw new BackendError(
        502,
        'LABEL_STUDIO_AUTH',
        `Label Studio refused the personal access token at ${url.pathname} (HTTP ${response.status}): check --ls-access-token`,
      );
    }
    const expiresAtSeconds = jwtExpiry(body.access);
    this.#access = {
      token: body.access,
      expiresAtMs: expiresAtSeconds !== undefined ? expiresAtSeconds * 1000 : Date.now() + UNKNOWN_EXPIRY_LIFETIME_MS,
    };
    return body.access;
  }
}

/** Whether a token has the shape of a JWT (three base64url parts, a JSON header). */
export function isJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null;
  } catch {
    return false;
  }
}

/** The `exp` claim of a JWT (seconds since the epoch), read without verifying it; undefined when absent. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
