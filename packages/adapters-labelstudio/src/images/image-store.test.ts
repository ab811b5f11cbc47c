import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestImage, pngDataUrl } from '../test-support/fake-model';
import { png } from '../test-support/test-images';
import { ImageStore } from './image-store';
import { LabelStudioAuth } from './label-studio-auth';

describe('ImageStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'simpleclick-ls-files-'));
  const picture = makeTestImage(30, 20);
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'a b.png'), png(picture));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads /data/local-files/?d=... from the local files root, once, and caches the decoded image', async () => {
    const store = new ImageStore(new LabelStudioAuth({}), { localFilesRoot: root });
    const first = await store.load('/data/local-files/?d=sub/a%20b.png');
    expect([first.image.width, first.image.height]).toEqual([30, 20]);
    expect(first.image.data).toEqual(picture.data);
    const again = await store.load('/data/local-files/?d=sub/a%20b.png');
    expect(again).toBe(first);
    expect(store.fetchCount).toBe(1);
    expect(store.cachedBytes).toBe(30 * 20 * 3);
  });

  it('refuses paths that leave the root, and missing files without a Label Studio URL to fall back on', async () => {
    const store = new ImageStore(new LabelStudioAuth({}), { localFilesRoot: root });
    await expect(store.load('/data/local-files/?d=../../etc/passwd')).rejects.toThrow(/leaves the local files root/);
    await expect(store.load('/data/local-files/?d=sub/missing.png')).rejects.toThrow(/not found/);
  });

  it('shares one decode between concurrent loads and keeps crops as the same array', async () => {
    const store = new ImageStore(new LabelStudioAuth({}));
    const url = pngDataUrl(picture);
    const [one, two] = await Promise.all([store.load(url), store.load(url)]);
    expect(one).toBe(two);
    const roi = { rowMin: 2, rowMax: 9, colMin: 3, colMax: 12 };
    const crop = store.crop(one, roi);
    expect([crop.width, crop.height]).toEqual([10, 8]);
    expect(store.crop(one, roi)).toBe(crop);
    expect(store.crop(one, { rowMin: 0, rowMax: 19, colMin: 0, colMax: 29 })).toBe(one.image);
  });

  it('an image over the pixel limit is refused before decoding', async () => {
    const store = new ImageStore(new LabelStudioAuth({}), { maxPixels: 100 });
    await expect(store.load(pngDataUrl(picture))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});
