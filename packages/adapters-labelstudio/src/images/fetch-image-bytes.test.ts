import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLabelStudio, type FakeLabelStudio } from '../test-support/fake-label-studio';
import { fetchImageBytes } from './fetch-image-bytes';
import { createGuardedHttpGet, type AddressResolver } from './guarded-http-get';
import { LabelStudioAuth } from './label-studio-auth';
import { TrustedHosts } from './trusted-hosts';

// Issue 10 item 4 through the download loop: the configured Label Studio and the redirects it answers with stay
// reachable (both on 127.0.0.1 here), everything else internal is refused with one answer. Only loopback is
// ever contacted: other address classes come from a fake resolver and are refused before connecting.
describe('fetchImageBytes: destinations', () => {
  const KEY = 'legacy-key';
  const bytes = new Uint8Array([1, 2, 3, 4]);
  let labelStudio: FakeLabelStudio;
  let auth: LabelStudioAuth;
  const resolver: AddressResolver = async (hostname) => {
    const table: Record<string, string> = {
      'intranet.test': '10.0.0.5',
      'metadata.test': '169.254.169.254',
      'loop.test': '127.0.0.1',
    };
    const address = table[hostname];
    if (address === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
  const httpGet = createGuardedHttpGet(resolver);

  beforeAll(async () => {
    labelStudio = await startFakeLabelStudio({
      legacyKey: KEY,
      files: { '/data/upload/1/a.png': bytes },
      cloudObjects: { 's3://bucket/a.png': '/bucket/a.png' },
      otherFiles: { '/bucket/a.png': bytes, '/public/a.png': bytes },
    });
    auth = new LabelStudioAuth({ url: labelStudio.url, apiKey: KEY });
  });
  afterAll(async () => {
    await labelStudio?.close();
  });

  it('the configured Label Studio is reachable on loopback, and so is the bucket its presign redirects to', async () => {
    expect(await fetchImageBytes(new URL(`${labelStudio.url}/data/upload/1/a.png`), { auth, httpGet })).toEqual(bytes);
    const presign = new URL(
      `${labelStudio.url}/tasks/3/presign/?fileuri=${Buffer.from('s3://bucket/a.png').toString('base64url')}`,
    );
    expect(await fetchImageBytes(presign, { auth, httpGet })).toEqual(bytes);
    const bucket = labelStudio.requests.filter(
      (request) => request.host === 'other' && request.url.startsWith('/bucket/a.png'),
    );
    expect(bucket).toHaveLength(1);
    expect(bucket[0].authorization).toBeUndefined();
  });

  it('any other internal destination is refused with one answer, whatever the reason, and never contacted', async () => {
    const before = labelStudio.requests.length;
    const targets = [
      `${labelStudio.otherUrl}/public/a.png`, // loopback, another port
      `http://2130706433:${new URL(labelStudio.otherUrl).port}/public/a.png`, // decimal loopback
      `http://[::1]:${new URL(labelStudio.otherUrl).port}/public/a.png`,
      `http://loop.test:${new URL(labelStudio.otherUrl).port}/public/a.png`,
      'http://intranet.test/a.png',
      'http://metadata.test/latest/meta-data/',
      'http://169.254.169.254/latest/meta-data/',
      'http://no-such-host.test/a.png',
    ];
    const answers: { status: number; code: string; message: string }[] = [];
    for (const target of targets) {
      const error = await fetchImageBytes(new URL(target), { auth, httpGet }).catch((caught: unknown) => caught);
      answers.push(error as { status: number; code: string; message: string });
    }
    expect(new Set(answers.map((answer) => `${answer.status} ${answer.code}`))).toEqual(new Set(['502 IMAGE_FETCH']));
    const reasons = answers.map((answer) => answer.message.replace(/^cannot fetch the image \S+: /, ''));
    expect(new Set(reasons).size).toBe(1);
    expect(labelStudio.requests.length).toBe(before);
  });

  it('a redirect from a host that is not Label Studio is checked again, at its own hop', async () => {
    const trustedHosts = new TrustedHosts([new URL(labelStudio.otherUrl).host]);
    expect(
      await fetchImageBytes(new URL(`${labelStudio.otherUrl}/public/a.png`), { auth, httpGet, trustedHosts }),
    ).toEqual(bytes);
    // The allow-listed host redirects to an internal address: refused, as if the URL had been given directly.
    const redirect = new URL(`${labelStudio.otherUrl}/redirect?to=${encodeURIComponent('http://intranet.test/a.png')}`);
    await expect(fetchImageBytes(redirect, { auth, httpGet, trustedHosts })).rejects.toMatchObject({
      status: 502,
      code: 'IMAGE_FETCH',
      message: expect.stringMatching(/^cannot fetch the image http:\/\/intranet\.test\/a\.png: not reachable/),
    });
  });

  it('a redirect from a Label Studio page that is not a media route is checked (no open redirect into the network)', async () => {
    const redirect = new URL(
      `${labelStudio.url}/redirect?to=${encodeURIComponent(`${labelStudio.otherUrl}/public/a.png`)}`,
    );
    const before = labelStudio.requests.filter((request) => request.host === 'other').length;
    await expect(fetchImageBytes(redirect, { auth, httpGet })).rejects.toMatchObject({
      status: 502,
      code: 'IMAGE_FETCH',
    });
    expect(labelStudio.requests.filter((request) => request.host === 'other').length).toBe(before);
  });

  it('the allow-list opens a host that resolves to an internal address', async () => {
    const port = new URL(labelStudio.otherUrl).port;
    const url = new URL(`http://loop.test:${port}/public/a.png`);
    await expect(fetchImageBytes(url, { auth, httpGet })).rejects.toMatchObject({ code: 'IMAGE_FETCH' });
    expect(
      await fetchImageBytes(url, { auth, httpGet, trustedHosts: new TrustedHosts([`loop.test:${port}`]) }),
    ).toEqual(bytes);
  });
});
