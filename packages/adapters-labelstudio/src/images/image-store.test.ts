import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestImage, pngDataUrl } from '../test-support/fake-model';
import { png } from '../test-support/test-images';
import { ImageStore } from './image-store';
import { LabelStudioAuth } from './label-studio-auth';

const noLabelStudio = new LabelStudioAuth({});

describe('ImageStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'simpleclick-ls-files-'));
  const picture = makeTestImage(30, 20);
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'a b.png'), png(picture));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads /data/local-files/?d=... from the local files root, once, and caches the decoded image', async () => {
    const store = new ImageStore({ localFilesRoot: root });
    const first = await store.load('/data/local-files/?d=sub/a%20b.png', noLabelStudio);
    expect([first.image.width, first.image.height]).toEqual([30, 20]);
    expect(first.image.data).toEqual(picture.data);
    const again = await store.load('/data/local-files/?d=sub/a%20b.png', noLabelStudio);
    expect(again).toBe(first);
    expect(store.fetchCount).toBe(1);
    expect(store.cachedBytes).toBe(30 * 20 * 3);
  });

  it('refuses paths that leave the root, and missing files without a Label Studio URL to fall back on', async () => {
    const store = new ImageStore({ localFilesRoot: root });
    await expect(store.load('/data/local-files/?d=../../etc/passwd', noLabelStudio)).rejects.toThrow(
      /leaves the local files root/,
    );
    await expect(store.load('/data/local-files/?d=sub/missing.png', noLabelStudio)).rejects.toThrow(/not found/);
  });

  // Issue 10 item 6: the path string stays inside the root, the file it names does not.
  it('refuses a symbolic link inside the root that points outside it (the real path is checked)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'simpleclick-ls-outside-'));
    try {
      writeFileSync(join(outside, 'secret.png'), png(picture));
      symlinkSync(join(outside, 'secret.png'), join(root, 'sub', 'link.png'));
      symlinkSync(outside, join(root, 'linked-dir'));
      const store = new ImageStore({ localFilesRoot: root });
      await expect(store.load('/data/local-files/?d=sub/link.png', noLabelStudio)).rejects.toMatchObject({
        code: 'IMAGE_URL',
        message: expect.stringMatching(/leaves the local files root/),
      });
      await expect(store.load('/data/local-files/?d=linked-dir/secret.png', noLabelStudio)).rejects.toThrow(
        /leaves the local files root/,
      );
      // A link that stays inside the root is followed.
      symlinkSync(join(root, 'sub', 'a b.png'), join(root, 'inside-link.png'));
      expect((await store.load('/data/local-files/?d=inside-link.png', noLabelStudio)).image.width).toBe(30);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads only regular files: a named pipe is not waited on', async () => {
    const fifo = join(root, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const store = new ImageStore({ localFilesRoot: root });
    await expect(store.load('/data/local-files/?d=pipe.png', noLabelStudio)).rejects.toThrow(/not found/);
  });

  it('shares one decode between concurrent loads and keeps crops as the same array', async () => {
    const store = new ImageStore();
    const url = pngDataUrl(picture);
    const [one, two] = await Promise.all([store.load(url, noLabelStudio), store.load(url, noLabelStudio)]);
    expect(one).toBe(two);
    const roi = { rowMin: 2, rowMax: 9, colMin: 3, colMax: 12 };
    const crop = store.crop(one, roi);
    expect([crop.width, crop.height]).toEqual([10, 8]);
    expect(store.crop(one, roi)).toBe(crop);
    expect(store.crop(one, { rowMin: 0, rowMax: 19, colMin: 0, colMax: 29 })).toBe(one.image);
  });

  it('an image over the pixel limit is refused before decoding', async () => {
    const store = new ImageStore({ maxPixels: 100 });
    await expect(store.load(pngDataUrl(picture), noLabelStudio)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});
