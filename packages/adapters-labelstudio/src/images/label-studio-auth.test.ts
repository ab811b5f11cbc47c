import { describe, expect, it } from 'vitest';
import { isJwt, jwtExpiry, LabelStudioAuth } from './label-studio-auth';
import { makeJwt } from '../test-support/fake-label-studio';

describe('LabelStudioAuth (no network)', () => {
  it('sends the legacy token only to the Label Studio origin (scheme, host and port)', async () => {
    const auth = new LabelStudioAuth({ url: 'http://ls.example:8080/prefix', apiKey: 'abc123' });
    expect(await auth.authorizationFor(new URL('http://ls.example:8080/prefix/data/upload/1/a.png'))).toBe(
      'Token abc123',
    );
    expect(await auth.authorizationFor(new URL('http://ls.example:9000/a.png'))).toBeUndefined();
    expect(await auth.authorizationFor(new URL('https://ls.example:8080/a.png'))).toBeUndefined();
    expect(await auth.authorizationFor(new URL('http://bucket.example/a.png'))).toBeUndefined();
  });

  it('refuses a token without URL, both kinds of token, and URLs that are not http(s)', () => {
    expect(() => new LabelStudioAuth({ apiKey: 'k' })).toThrow(/URL too/);
    expect(() => new LabelStudioAuth({ url: 'http://h', apiKey: 'k', personalAccessToken: 'p' })).toThrow(/not both/);
    expect(() => new LabelStudioAuth({ url: 'ftp://h' })).toThrow(/http/);
    expect(() => new LabelStudioAuth({ url: 'not a url' })).toThrow(/not a valid URL/);
  });

  // Issue 10 item 5: a task value that names the API through the upload route must not carry the token there.
  it('sends the token to the media routes only, after normalising the path', async () => {
    const auth = new LabelStudioAuth({ url: 'http://ls.example:8080', apiKey: 'abc123' });
    const header = (path: string) => auth.authorizationFor(new URL(`http://ls.example:8080${path}`));
    for (const media of [
      '/data/upload/1/a.png',
      '/storage-data/uploaded/?filepath=upload/1/a.png',
      '/tasks/12/presign/?fileuri=czM6Ly9h',
      '/data/local-files/?d=dir/a.png',
    ]) {
      expect([media, await header(media)]).toEqual([media, 'Token abc123']);
    }
    for (const elsewhere of [
      '/data/upload/../../api/users',
      '/data/upload/%2e%2e/%2e%2e/api/users',
      '/data/upload/..%2f..%2fapi/users',
      '/data/upload/1/..%5c..%5capi',
      '/api/users',
      '/api/projects/1/export',
      '/data/upload',
      '/tasks/12/presign/../../api/users',
      '/tasks/abc/presign/',
      '/storage-data/uploaded/../../api/users',
    ]) {
      expect([elsewhere, await header(elsewhere)]).toEqual([elsewhere, undefined]);
    }
    // Below a path prefix, the routes are the prefix's.
    const prefixed = new LabelStudioAuth({ url: 'https://gw.example/ls/', apiKey: 'k' });
    expect(await prefixed.authorizationFor(new URL('https://gw.example/ls/data/upload/1/a.png'))).toBe('Token k');
    expect(await prefixed.authorizationFor(new URL('https://gw.example/data/upload/1/a.png'))).toBeUndefined();
    expect(await prefixed.authorizationFor(new URL('https://gw.example/lsx/data/upload/1/a.png'))).toBeUndefined();
  });

  it('without a token, no header at all', async () => {
    const auth = new LabelStudioAuth({ url: 'http://h' });
    expect(await auth.authorizationFor(new URL('http://h/data/upload/1/a.png'))).toBeUndefined();
  });

  it('reads JWTs without verifying them', () => {
    const token = makeJwt({ token_type: 'refresh', exp: 1234 });
    expect(isJwt(token)).toBe(true);
    expect(jwtExpiry(token)).toBe(1234);
    expect(isJwt('8d4bb6ec0f0a77fe3d2e1cb5a0a5c1f6a9e0f9b2')).toBe(false);
    expect(isJwt('a.b.c')).toBe(false);
    expect(jwtExpiry(makeJwt({}))).toBeUndefined();
  });
});
