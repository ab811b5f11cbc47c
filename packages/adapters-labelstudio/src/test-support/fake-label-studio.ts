// Test-only: a fake Label Studio server and a second, unrelated host, both on 127.0.0.1 with free ports. The fake
// serves task images under its own paths only to requests with the right Authorization header, exchanges a
// personal access token for short-lived access tokens at /api/token/refresh/, and presigns cloud URIs by
// redirecting to the second host, which records every Authorization header it receives (there must be none) and
// answers `/redirect?to=URL` with a redirect to URL (so does the Label Studio host, outside its media routes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JWT-shaped token (unsigned; nothing here verifies signatures). */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`;
}

/** One request either host received. */
export interface RecordedRequest {
  readonly host: 'label-studio' | 'other';
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface FakeLabelStudioOptions {
  /** Accepted as `Authorization: Token <legacyKey>`. */
  readonly legacyKey?: string;
  /** Exchanged at /api/token/refresh/ for access tokens accepted as `Authorization: Bearer <access>`. */
  readonly personalAccessToken?: string;
  /** Lifetime of issued access tokens in seconds (their `exp`), default 300. */
  readonly accessLifetimeS?: number;
  /** Files of the Label Studio host by path and query, e.g. `/data/upload/1/a.png`, `/data/local-files/?d=x/a.png`. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
  /** Cloud URIs and the path on the other host their presigned URL points at. */
  readonly cloudObjects?: Readonly<Record<string, string>>;
  /** Files of the other host by path (no query), served to anyone. */
  readonly otherFiles?: Readonly<Record<string, Uint8Array>>;
  /**
   * Where the files under `/data/upload/` are served: `both` (file system default storage, the default), `storage-proxy`
   * (cloud default storage: only `/storage-data/uploaded/?filepath=upload/...`; `/data/upload/` answers 404) or
   * `data-upload` (nginx serves uploads: the storage proxy answers 400).
   */
  readonly uploadRoutes?: 'both' | 'storage-proxy' | 'data-upload';
}

export interface FakeLabelStudio {
  /** `http://127.0.0.1:<port>` of the fake Label Studio. */
  readonly url: string;
  /** `http://127.0.0.1:<other port>`: another origin. */
  readonly otherUrl: string;
  readonly requests: RecordedRequest[];
  /** Access tokens issued so far. */
  readonly issuedAccessTokens: string[];
  /** Invalidates every access token issued so far (a 401 follows their next use). */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

export async function startFakeLabelStudio(options: FakeLabelStudioOptions): Promise<FakeLabelStudio> {
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  const valid = new Set<string>();
  const lifetimeS = options.accessLifetimeS ?? 300;
  let otherUrl = '';

  const authorized = (request: IncomingMessage): boolean => {
    const header = request.headers.authorization;
    if (header === undefined) return false;
    if (options.legacyKey !== undefined && header === `Token ${options.legacyKey}`) return true;
    const bearer = /^Bearer (.+)$/.exec(header)?.[1];
    return bearer !== undefined && valid.has(bearer);
  };

  const labelStudio = createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push({
      host: 'label-studio',
      method: request.method ?? '',
      url,
      authorization: request.headers.authorization,
    });
    const parsed = new URL(url, 'http://fake');
    if (request.method === 'POST' && parsed.pathname === '/api/token/refresh/') {
      // `void`: readBody never rejects, and the callback answers the request on every path.
      void readBody(request).then((body) => {
        let refresh: unknown;
        try {
          refresh = (JSON.parse(body) as { refresh?: unknown }).refresh;
        } catch {
          refresh = undefined;
        }
        if (options.personalAccessToken === undefined || refresh !== options.personalAccessToken) {
          sendJson(response, 401, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
          return;
        }
        const access = makeJwt({
          token_type: 'access',
          exp: Math.floor(Date.now() / 1000) + lifetimeS,
          jti: `a${issued.length}`,
        });
        issued.push(access);
        valid.add(access);
        sendJson(response, 200, { access });
      });
      return;
    }
    if (parsed.pathname === '/redirect') {
      // An open redirect outside the media routes (as a login page's `next=` can be).
      response.writeHead(302, { location: parsed.searchParams.get('to') ?? '/' }).end();
      return;
    }
    if (!authorized(request)) {
      sendJson(response, 401, { detail: 'Authentication credentials were not provided.' });
      return;
    }
    const presign = /^\/tasks\/(\d+)\/presign\/$/.exec(parsed.pathname);
    if (presign !== null) {
      const encoded = parsed.searchParams.get('fileuri') ?? '';
      const uri = Buffer.from(encoded, 'base64url').toString('utf8');
      const target = options.cloudObjects?.[uri];
      if (target === undefined) {
        sendJson(response, 404, { detail: `no such object ${uri}` });
        return;
      }
      response.writeHead(303, { location: `${otherUrl}${target}?X-Amz-Signature=secret-signature` }).end();
      return;
    }
    const uploadRoutes = options.uploadRoutes ?? 'both';
    let file: Uint8Array | undefined;
    if (parsed.pathname === '/storage-data/uploaded/') {
      if (uploadRoutes === 'data-upload') {
        sendJson(response, 400, { detail: 'storage proxy is not available for this storage' });
        return;
      }
      file = options.files?.[`/data/${parsed.searchParams.get('filepath') ?? ''}`];
    } else if (!(parsed.pathname.startsWith('/data/upload/') && uploadRoutes === 'storage-proxy')) {
      file = options.files?.[url];
    }
    if (file === undefined) {
      sendJson(response, 404, { detail: 'not found' });
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length }).end(file);
  });

  const other = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    requests.push({ host: 'other', method: request.method ?? '', url, authorization: request.headers.authorization });
    const parsedOther = new URL(url, 'http://fake');
    if (parsedOther.pathname === '/redirect') {
      response.writeHead(302, { location: parsedOther.searchParams.get('to') ?? '/' }).end();
      return;
    }
    const file = options.otherFiles?.[new URL(url, 'http://fake').pathname];
    if (file === undefined) {
      sendJson(response, 404, { detail: 'not found' });
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
  });

  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  const labelStudioPort = await listen(labelStudio);
  otherUrl = `http://127.0.0.1:${await listen(other)}`;
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url: `http://127.0.0.1:${labelStudioPort}`,
    otherUrl,
    requests,
    issuedAccessTokens: issued,
    revokeAccessTokens: () => valid.clear(),
    close: async () => {
      await Promise.all([close(labelStudio), close(other)]);
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}
