import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { blockedAddressReason } from './address-policy';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  /** 4 or 6. */
  readonly family: number;
}

/** Resolves a host name to all its addresses (default: the system resolver, as `getaddrinfo` answers). */
export type AddressResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver, every address it knows for the name. */
export const systemResolver: AddressResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A connection refused because the destination is an internal address (the server log says which and why). */
export class DestinationRefusedError extends Error {
  constructor(host: string, detail: string) {
    super(`refused to connect to ${host}: ${detail}`);
    this.name = 'DestinationRefusedError';
  }
}

/** What {@link HttpGet} sends. */
export interface HttpGetInit {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  /**
   * Check every address the host resolves to and refuse internal ones (loopback, private, link-local, metadata...).
   * False only for destinations the operator trusts: the Label Studio server, its redirects, the allow-list.
   */
  readonly checkAddresses: boolean;
}

/** A GET that does not follow redirects; answers a WHATWG `Response` whose body is the still-unread stream. */
export type HttpGet = (url: URL, init: HttpGetInit) => Promise<Response>;

/** Statuses whose `Response` must have a null body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * An {@link HttpGet} on Node's `http`/`https` whose address check runs inside the socket's own DNS lookup: the
 * address that was checked is the address connected to, so a name that resolves to a public address for a check
 * and to an internal one a moment later (DNS rebinding) cannot slip through. IP-literal hosts, which Node connects
 * to without a lookup, are checked before the request. Checked and trusted requests use separate keep-alive
 * pools, so a socket opened for a trusted destination is never reused by a checked request.
 */
export function createGuardedHttpGet(resolver: AddressResolver = systemResolver): HttpGet {
  const checkedLookup = guardedLookup(resolver, true);
  const trustedLookup = guardedLookup(resolver, false);
  const agents = {
    checked: {
      http: new HttpAgent({ keepAlive: true, lookup: checkedLookup }),
      https: new HttpsAgent({ keepAlive: true, lookup: checkedLookup }),
    },
    trusted: {
      http: new HttpAgent({ keepAlive: true, lookup: trustedLookup }),
      https: new HttpsAgent({ keepAlive: true, lookup: trustedLookup }),
    },
  };
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (init.checkAddresses && isIP(host) !== 0) {
        const reason = blockedAddressReason(host);
        if (reason !== undefined) {
          reject(new DestinationRefusedError(url.host, `${host} is ${reason}`));
          return;
        }
      }
      const secure = url.protocol === 'https:';
      const pool = init.checkAddresses ? agents.checked : agents.trusted;
      const send = secure ? httpsRequest : httpRequest;
      const request = send(
        url,
        { method: 'GET', headers: init.headers, agent: secure ? pool.https : pool.http, signal: init.signal },
        (response) => {
          // A status the WHATWG Response refuses (over 599) must reject here, not throw out of the event handler.
          try {
            resolve(toResponse(response));
          } catch (error) {
            response.destroy();
            reject(error);
          }
        },
      );
      request.on('error', reject);
      request.end();
    });
}

/**
 * A `lookup` for `net.connect`: resolves with `resolver`, and when `check` is set refuses the connection if any of
 * the addresses is internal (OWASP: a name with one internal address is not a public name).
 */
export function guardedLookup(resolver: AddressResolver, check: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname).then(
      (found) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? found.filter((entry) => entry.family === options.family)
            : [...found];
        if (wanted.length === 0) {
          const error = Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
          callback(error, options.all ? [] : '', 0);
          return;
        }
        if (check) {
          for (const entry of found) {
            const reason = blockedAddressReason(entry.address);
            if (reason !== undefined) {
              callback(
                new DestinationRefusedError(hostname, `it resolves to ${entry.address}, ${reason}`),
                options.all ? [] : '',
                0,
              );
              return;
            }
          }
        }
        if (options.all)
          callback(
            null,
            wanted.map((entry) => ({ address: entry.address, family: entry.family })),
          );
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : '', 0),
    );
  };
}

function toResponse(response: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2)
    headers.append(response.rawHeaders[i], response.rawHeaders[i + 1]);
  const status = response.statusCode ?? 502;
  if (NULL_BODY_STATUSES.has(status)) {
    response.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status, headers });
}
