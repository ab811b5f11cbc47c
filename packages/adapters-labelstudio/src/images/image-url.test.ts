import { describe, expect, it } from 'vitest';
import { base64UrlWithPadding, joinLabelStudioUrl, resolveImageLocation } from './image-url';

const LS = 'http://ls.example:8080';

function urlOf(value: string, context = {}) {
  const location = resolveImageLocation(value, { labelStudioUrl: LS, taskId: 7, ...context });
  if (location.kind !== 'url') throw new Error(`expected a URL, got ${location.kind}`);
  return location.url.href;
}

describe('resolveImageLocation', () => {
  it('Label Studio paths are joined to the Label Studio URL (its path prefix kept)', () => {
    expect(urlOf('/data/local-files/?d=images/cat%201.jpg')).toBe(`${LS}/data/local-files/?d=images/cat%201.jpg`);
    expect(urlOf('/storage-data/uploaded/?filepath=upload/1/cat.jpg')).toBe(
      `${LS}/storage-data/uploaded/?filepath=upload/1/cat.jpg`,
    );
  });

  // Issue 9 item 3: with a cloud bucket as Label Studio's default storage, /data/upload/ does not exist.
  it('uploaded files: the storage proxy route first, /data/upload/ as the fallback, as the upstream SDK', () => {
    const both = (value: string, context = {}) => {
      const location = resolveImageLocation(value, { labelStudioUrl: LS, ...context });
      if (location.kind !== 'url') throw new Error(`expected a URL, got ${location.kind}`);
      return [location.url.href, location.fallbackUrl?.href];
    };
    const expected = [`${LS}/storage-data/uploaded/?filepath=upload/1/cat.jpg`, `${LS}/data/upload/1/cat.jpg`];
    expect(both('/data/upload/1/cat.jpg')).toEqual(expected);
    expect(both('upload/1/cat.jpg')).toEqual(expected);
    expect(both('/upload/1/cat.jpg')).toEqual(expected);
    expect(both('/data/upload/1/cat.jpg', { labelStudioUrl: 'https://host/label-studio/' })).toEqual([
      'https://host/label-studio/storage-data/uploaded/?filepath=upload/1/cat.jpg',
      'https://host/label-studio/data/upload/1/cat.jpg',
    ]);
    // Characters that would split the query are escaped; the slashes stay as the SDK writes them.
    expect(both('/data/upload/1/a&b%20c.jpg')[0]).toBe(`${LS}/storage-data/uploaded/?filepath=upload/1/a%26b%20c.jpg`);
  });

  it('cloud URIs go through the task presign endpoint with the URI in URL-safe base64 (padded)', () => {
    const uri = 's3://bucket/folder/cat?.jpg';
    const url = new URL(urlOf(uri));
    expect(url.origin + url.pathname).toBe(`${LS}/tasks/7/presign/`);
    const encoded = url.searchParams.get('fileuri') as string;
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(encoded.length % 4).toBe(0);
    expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(uri);
    for (const scheme of ['gs', 'azure-blob', 'azure-spi'])
      expect(urlOf(`${scheme}://c/x.png`)).toContain('/tasks/7/presign/?fileuri=');
  });

  it('http(s) URLs are used as they are', () => {
    expect(urlOf('https://images.example/a.png?sig=1')).toBe('https://images.example/a.png?sig=1');
  });

  it('data URLs are decoded in place', () => {
    const location = resolveImageLocation('data:image/png;base64,AAEC/w==');
    expect(location).toEqual({ kind: 'data-url', bytes: new Uint8Array([0, 1, 2, 255]) });
  });

  it('local-files read from the local files root when one is set, with the HTTP URL as fallback', () => {
    expect(
      resolveImageLocation('/data/local-files/?d=dir/cat.jpg', { localFilesRoot: '/srv', labelStudioUrl: LS }),
    ).toEqual({
      kind: 'local-file',
      relativePath: 'dir/cat.jpg',
      fallbackUrl: new URL(`${LS}/data/local-files/?d=dir/cat.jpg`),
    });
  });

  it('explains what it cannot follow', () => {
    expect(() => resolveImageLocation('/data/upload/1/a.png')).toThrow(/--ls-url/);
    expect(() => resolveImageLocation('s3://b/a.png', { labelStudioUrl: LS })).toThrow(/task id/);
    expect(() => resolveImageLocation('ftp://host/a.png', { labelStudioUrl: LS })).toThrow(
      /unsupported image URL scheme "ftp"/,
    );
    expect(() => resolveImageLocation('cat.jpg', { labelStudioUrl: LS })).toThrow(/cannot tell where/);
    expect(() => resolveImageLocation('  ')).toThrow(/empty/);
    expect(() => resolveImageLocation('data:image/png,raw')).toThrow(/base64/);
  });
});

describe('helpers', () => {
  it('joinLabelStudioUrl puts exactly one slash between base and path', () => {
    expect(joinLabelStudioUrl('http://h:1/', '/a/b').href).toBe('http://h:1/a/b');
    expect(joinLabelStudioUrl('http://h:1/prefix', 'a').href).toBe('http://h:1/prefix/a');
  });

  it('base64UrlWithPadding pads like Python urlsafe_b64encode', () => {
    expect(base64UrlWithPadding('s3://a')).toBe('czM6Ly9h');
    expect(base64UrlWithPadding('s3://ab')).toBe('czM6Ly9hYg==');
    expect(base64UrlWithPadding('??>')).toBe('Pz8-');
  });
});
