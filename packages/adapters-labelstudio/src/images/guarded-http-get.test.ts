import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedHttpGet, DestinationRefusedError, type AddressResolver } from './guarded-http-get';

// Every connection here goes to 127.0.0.1; the other address classes exist only as answers of fake resolvers, and
// a refused destination is refused before any socket is opened.
describe('createGuardedHttpGet', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      if (request.url === '/odd-status') response.writeHead(999);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function fakeResolver(table: Record<string, string[]>): AddressResolver & { calls: string[] } {
    const calls: string[] = [];
    const resolver = async (hostname: string) => {
      calls.push(hostname);
      const addresses = table[hostname];
      if (addresses === undefined)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return Object.assign(resolver, { calls });
  }
  const init = (checkAddresses: boolean) => ({ headers: {}, signal: AbortSignal.timeout(10_000), checkAddresses });

  it('checked: refuses a name that resolves to loopback, private or metadata addresses, before connecting', async () => {
    const resolver = fakeResolver({
      'loopback.test': ['127.0.0.1'],
      'private.test': ['10.0.0.5'],
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['93.184.216.34', '192.168.0.10'], // one internal address is enough to refuse
      'v6.test': ['::1'],
      'mapped.test': ['::ffff:127.0.0.1'],
    });
    const get = createGuardedHttpGet(resolver);
    const before = hits;
    for (const host of ['loopback.test', 'private.test', 'metadata.test', 'mixed.test', 'v6.test', 'mapped.test']) {
      await expect(get(new URL(`http://${host}:${port}/x.png`), init(true))).rejects.toBeInstanceOf(
        DestinationRefusedError,
      );
    }
    expect(hits).toBe(before);
  });

  it('checked: IP-literal hosts (which Node connects to without a lookup) are checked too', async () => {
    const resolver = fakeResolver({});
    const get = createGuardedHttpGet(resolver);
    for (const host of ['127.0.0.1', '2130706433', '[::1]', '[::ffff:127.0.0.1]', '169.254.169.254', '0.0.0.0']) {
      await expect(get(new URL(`http://${host}:${port}/x.png`), init(true))).rejects.toBeInstanceOf(
        DestinationRefusedError,
      );
    }
    expect(resolver.calls).toEqual([]);
  });

  it('trusted: connects, and to the address its one resolution gave (no second lookup to rebind)', async () => {
    const resolver = fakeResolver({ 'ls.test': ['127.0.0.1'] });
    const get = createGuardedHttpGet(resolver);
    const response = await get(new URL(`http://ls.test:${port}/x.png`), init(false));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(resolver.calls).toEqual(['ls.test']);
  });

  it('a status outside 200-599 rejects (it must not throw out of the response handler)', async () => {
    const get = createGuardedHttpGet(fakeResolver({ 'ls.test': ['127.0.0.1'] }));
    await expect(get(new URL(`http://ls.test:${port}/odd-status`), init(false))).rejects.toThrow(RangeError);
  });

  it('checked: the check is the lookup of the connection itself (one resolution, whose answer is refused)', async () => {
    const resolver = fakeResolver({ 'rebind.test': ['127.0.0.1'] });
    const get = createGuardedHttpGet(resolver);
    await expect(get(new URL(`http://rebind.test:${port}/x.png`), init(true))).rejects.toBeInstanceOf(
      DestinationRefusedError,
    );
    expect(resolver.calls).toEqual(['rebind.test']);
  });
});
