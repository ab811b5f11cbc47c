import { InvalidArgumentError } from '@simpleclick/core';

/**
 * Destinations the operator trusts besides the Label Studio server: downloads from them skip the internal-address
 * check (a self-hosted image server or bucket on a private network). Entries are host names or IP literals, with
 * an optional port (`minio.internal:9000`, `10.0.0.7`, `[fd00::7]:9000`); without a port every port of the host
 * is trusted.
 */
export class TrustedHosts {
  readonly #entries: readonly { readonly host: string; readonly port: string | undefined }[];

  constructor(entries: readonly string[] = []) {
    this.#entries = entries.map(parseEntry);
  }

  /** Whether `url`'s host (and port, when the entry names one) is on the list. */
  includes(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
    return this.#entries.some((entry) => entry.host === host && (entry.port === undefined || entry.port === port));
  }

  get size(): number {
    return this.#entries.length;
  }
}

function parseEntry(text: string): { host: string; port: string | undefined } {
  const trimmed = text.trim();
  let parsed: URL;
  try {
    parsed = new URL(`http://${trimmed}`);
  } catch (cause) {
    throw new InvalidArgumentError(`not a host or host:port in the allow-list: "${text}"`, { cause });
  }
  if (trimmed === '' || parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '') {
    throw new InvalidArgumentError(`not a host or host:port in the allow-list: "${text}"`);
  }
  // The URL parser drops port 80 as the http default: keep what was written.
  const port = /:(\d+)$/.exec(trimmed)?.[1];
  return { host: parsed.hostname.toLowerCase(), port: port === undefined ? undefined : String(Number(port)) };
}
