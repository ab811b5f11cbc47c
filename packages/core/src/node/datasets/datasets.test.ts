import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import realData from '../../../../../test/fixtures/decode/opencv-real-data.json';
import type { EvalSample } from '../../eval/eval-sample';
import { NO_DATA_MESSAGE, findDataRoot } from '../test-support';
import { openImageFolderDataset } from './image-folder-dataset';
import { openDataset } from './open-dataset';
import { openCocoMvalDataset, openDavisDataset, openGrabCutDataset } from './single-object-dataset';
import { openSsTemDataset } from './sstem-dataset';

const dataRoot = findDataRoot();
const sum = (data: Uint8Array) => {
  let total = 0;
  for (let i = 0; i < data.length; i++) total += data[i];
  return total;
};

async function collect(samples: AsyncIterable<EvalSample>): Promise<EvalSample[]> {
  const out: EvalSample[] = [];
  for await (const sample of samples) out.push(sample);
  return out;
}

describe.skipIf(!dataRoot)('official benchmark loaders on the real data', () => {
  if (!dataRoot) console.warn(NO_DATA_MESSAGE);

  it('GrabCut: 50 objects in file-name order, masks paired by name, 128 band as ignore', async () => {
    const dataset = await openDataset('GrabCut', dataRoot!);
    expect(dataset.name).toBe('GrabCut');
    expect(dataset.count).toBe(50);
    const samples = await collect(dataset);
    expect(samples).toHaveLength(50);
    // Code-point order: digits before upper case before lower case ("21077" sorts after "209070").
    expect(samples.slice(0, 3).map((s) => s.id)).toEqual(['GrabCut/106024', 'GrabCut/124080', 'GrabCut/153077']);
    expect(samples.map((s) => s.imageSource)).toContain('GrabCut/data_GT/music.JPG');
    expect(samples.find((s) => s.id === 'GrabCut/music')?.maskSource).toBe('GrabCut/boundary_GT/music.bmp');
    const withIgnore = samples.filter((s) => s.ignore !== undefined).length;
    expect(withIgnore).toBe(42); // MANIFEST.md: 42/50 masks have the 128 band
    for (const sample of samples) {
      const expected = realData.masks[sample.maskSource as keyof typeof realData.masks];
      expect(sum(sample.gt.data), sample.id).toBe(expected.objectPixels);
      expect(sample.ignore ? sum(sample.ignore.data) : 0, sample.id).toBe(expected.ignorePixels);
      expect([sample.gt.width, sample.gt.height]).toEqual([sample.image.width, sample.image.height]);
    }
  });

  it('Berkeley: 100 objects on 96 distinct images', async () => {
    const dataset = await openDataset('Berkeley', dataRoot!);
    expect(dataset.count).toBe(100);
    const samples = await collect(dataset);
    expect(samples).toHaveLength(100);
    const distinctImages = new Set(samples.map((s) => createHash('sha256').update(s.image.data).digest('hex')));
    expect(distinctImages.size).toBe(96);
    // 189011 and 239007 carry two objects each (a, b): their images are copies under the masks' names.
    expect(samples.filter((s) => s.id.startsWith('Berkeley/189011')).map((s) => s.id)).toEqual([
      'Berkeley/189011',
      'Berkeley/189011a',
      'Berkeley/189011b',
    ]);
  });

  it('ssTEM: one object per 4-connected component, numbered like cv2 (391 on stack 1, specks included)', async () => {
    const dataset = await openDataset('ssTEM', dataRoot!);
    const expectedTotal = Object.values(realData.sstemComponents).reduce((n, slice) => n + slice.area.length, 0);
    expect(expectedTotal).toBe(391);
    expect(dataset.count).toBe(391);
    const seenPerSlice = new Map<string, number>();
    for await (const sample of dataset) {
      const slice = realData.sstemComponents[sample.maskSource as keyof typeof realData.sstemComponents];
      const objectIndex = seenPerSlice.get(sample.maskSource!) ?? 0;
      seenPerSlice.set(sample.maskSource!, objectIndex + 1);
      expect(sample.id).toMatch(new RegExp(`^ssTEM/\\d\\d#${objectIndex + 1}$`));
      // Same component as cv2's label objectIndex + 1: same first pixel and area.
      expect(sample.gt.data.indexOf(1), sample.id).toBe(slice.firstPixel[objectIndex]);
      // Areas on every 7th object keep the test short (each sum walks a megapixel).
      if (objectIndex % 7 === 0) expect(sum(sample.gt.data), sample.id).toBe(slice.area[objectIndex]);
      expect(sample.ignore).toBeUndefined();
    }
    expect([...seenPerSlice.values()].reduce((a, b) => a + b, 0)).toBe(391);
    expect(seenPerSlice.get('ssTEM/stack1/mitochondria/00.png')).toBe(
      realData.sstemComponents['ssTEM/stack1/mitochondria/00.png'].area.length,
    );
  });

  it('ssTEM: minInstanceAreaPx leaves out small instances; the ssTEM/ folder itself is accepted too', async () => {
    const areas = Object.values(realData.sstemComponents).flatMap((slice) => slice.area);
    // The smallest component of stack 1 has 205 px (no 1-pixel specks), so use a threshold that bites.
    const dataset = await openSsTemDataset(join(dataRoot!, 'ssTEM'), { minInstanceAreaPx: 1000 });
    expect(dataset.count).toBe(areas.filter((area) => area >= 1000).length);
    expect(dataset.count).toBeLessThan(391);
  });
});

describe('loaders on generated folders (DAVIS / COCO_MVal layout, plain image folder, broken layouts)', () => {
  let root: string;
  const png = (width: number, height: number, paint: (x: number, y: number) => [number, number, number]) => {
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * 3);
    return sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'simpleclick-datasets-'));
    // DAVIS-like: two frames; object ids painted in colours, all merge into one object.
    await mkdir(join(root, 'davis/img'), { recursive: true });
    await mkdir(join(root, 'davis/gt'), { recursive: true });
    for (const name of ['b_frame', 'a_frame']) {
      await writeFile(
        join(root, `davis/img/${name}.jpg`),
        await sharp(await png(8, 6, () => [90, 90, 90]))
          .jpeg()
          .toBuffer(),
      );
      await writeFile(
        join(root, `davis/gt/${name}.png`),
        await png(8, 6, (x) => (x < 2 ? [0, 0, 0] : x < 5 ? [128, 0, 0] : [0, 128, 0])),
      );
    }
    await writeFile(join(root, 'davis/img/Thumbs.db'), 'not an image');
    // Plain folder: cat has two masks (cat_1, cat_2), dog one; masks use 255 = object, 128 = ignore.
    await mkdir(join(root, 'plain/images'), { recursive: true });
    await mkdir(join(root, 'plain/masks'), { recursive: true });
    await writeFile(join(root, 'plain/images/dog.png'), await png(4, 4, () => [10, 20, 30]));
    await writeFile(join(root, 'plain/images/cat.png'), await png(4, 4, () => [30, 20, 10]));
    await writeFile(
      join(root, 'plain/masks/cat_2.png'),
      await png(4, 4, (x) => (x === 3 ? [255, 255, 255] : [0, 0, 0])),
    );
    await writeFile(
      join(root, 'plain/masks/cat_1.png'),
      await png(4, 4, (x) => (x === 0 ? [255, 255, 255] : x === 1 ? [128, 128, 128] : [0, 0, 0])),
    );
    await writeFile(
      join(root, 'plain/masks/dog.png'),
      await png(4, 4, (_x, y) => (y < 2 ? [255, 255, 255] : [0, 0, 0])),
    );
    // Broken: an image without a mask.
    await mkdir(join(root, 'broken/data_GT'), { recursive: true });
    await mkdir(join(root, 'broken/boundary_GT'), { recursive: true });
    await writeFile(join(root, 'broken/data_GT/lonely.png'), await png(2, 2, () => [0, 0, 0]));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('DAVIS: any non-zero colour is object, samples sorted by name, non-images skipped', async () => {
    const dataset = await openDavisDataset(join(root, 'davis'));
    expect(dataset.count).toBe(2);
    const samples = await collect(dataset);
    expect(samples.map((s) => s.id)).toEqual(['DAVIS/a_frame', 'DAVIS/b_frame']);
    expect(sum(samples[0].gt.data)).toBe(6 * 6);
    expect(samples[0].ignore).toBeUndefined();
    expect(samples[0].imageSource).toBe('davis/img/a_frame.jpg');
    const coco = await openCocoMvalDataset(join(root, 'davis'));
    expect(coco.name).toBe('COCO_MVal');
  });

  it('plain folder: several masks per image (name_N), blue-128 rule, ignore band', async () => {
    const dataset = await openImageFolderDataset(join(root, 'plain'), { name: 'pets' });
    expect(dataset.count).toBe(3);
    const samples = await collect(dataset);
    expect(samples.map((s) => s.id)).toEqual(['pets/cat_1', 'pets/cat_2', 'pets/dog']);
    expect(samples[0].image).toBe(samples[1].image); // decoded once per image
    expect(sum(samples[0].gt.data)).toBe(4);
    expect(sum(samples[0].ignore!.data)).toBe(4);
    expect(samples[1].ignore).toBeUndefined();
    expect(sum(samples[2].gt.data)).toBe(8);
  });

  it('DatasetError for a missing layout, an image without a mask, or a mask without an image', async () => {
    await expect(openGrabCutDataset(join(root, 'davis'))).rejects.toMatchObject({
      code: 'DATASET',
      message: expect.stringContaining('data_GT'),
    });
    await expect(openGrabCutDataset(join(root, 'broken'))).rejects.toMatchObject({
      code: 'DATASET',
      message: expect.stringContaining('lonely.png'),
    });
    await writeFile(join(root, 'plain/masks/bird.png'), await png(4, 4, () => [0, 0, 0]));
    await expect(openImageFolderDataset(join(root, 'plain'))).rejects.toMatchObject({
      code: 'DATASET',
      message: expect.stringContaining('bird.png'),
    });
    await expect(openSsTemDataset(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'DATASET' });
    await expect(openDataset('Nope' as never, root)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
