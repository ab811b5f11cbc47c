import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import realData from '../../../../test/fixtures/decode/opencv-real-data.json';
import smallFiles from '../../../../test/fixtures/decode/opencv-small-files.json';
import { decodeImageBytes, decodeImageFile, detectImageFormat, readImageInfo } from './decode-image';
import { NO_DATA_MESSAGE, REPO_ROOT, findDataRoot } from './test-support';

const FIXTURES = resolve(REPO_ROOT, 'test/fixtures/decode');
const dataRoot = findDataRoot();

describe('decodeImageFile vs OpenCV on small files of every supported kind', () => {
  for (const [name, expected] of Object.entries(smallFiles.images)) {
    it(`${name} decodes to cv2.imread's pixels (BGR -> RGB)`, async () => {
      expect(expected, `cv2 ${smallFiles.opencv} could not read ${name}`).not.toBeNull();
      const image = await decodeImageFile(resolve(FIXTURES, name));
      expect([image.width, image.height]).toEqual([expected.width, expected.height]);
      expect(Array.from(image.data)).toEqual(expected.rgb);
    });
  }
});

describe.skipIf(!dataRoot)('decodeImageFile vs OpenCV on the real benchmark files', () => {
  if (!dataRoot) console.warn(NO_DATA_MESSAGE);
  // GrabCut JPEG/BMP images and BMP masks, Berkeley JPEG images and PNG masks, ssTEM TIFF slices and PNG masks.
  for (const group of ['GrabCut/', 'Berkeley/', 'ssTEM/']) {
    it(`${group}*: every file has cv2's size and pixels (SHA-256 of the RGB buffer)`, async () => {
      const entries = Object.entries(realData.files).filter(([path]) => path.startsWith(group));
      expect(entries.length).toBeGreaterThan(0);
      const mismatches: string[] = [];
      for (const [path, expected] of entries) {
        const image = await decodeImageFile(resolve(dataRoot!, path));
        const digest = createHash('sha256').update(image.data).digest('hex');
        if (image.width !== expected.width || image.height !== expected.height || digest !== expected.rgbSha256) {
          mismatches.push(path);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('decodeImageBytes', () => {
  it('applies EXIF orientation (JPEG made here with orientation 6 = rotate 90 degrees clockwise)', async () => {
    // Stored 32 x 16: left half red, right half blue. Displayed: 16 x 32, top half red, bottom half blue.
    const stored = await sharp({ create: { width: 32, height: 16, channels: 3, background: '#0000ff' } })
      .composite([
        { input: { create: { width: 16, height: 16, channels: 3, background: '#ff0000' } }, left: 0, top: 0 },
      ])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decodeImageBytes(stored);
    expect([image.width, image.height]).toEqual([16, 32]);
    const pixel = (x: number, y: number) => Array.from(image.data.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3));
    const [topRed, topGreen, topBlue] = pixel(8, 8);
    const [bottomRed, bottomGreen, bottomBlue] = pixel(8, 24);
    expect(topRed).toBeGreaterThan(230);
    expect(Math.max(topGreen, topBlue)).toBeLessThan(30);
    expect(bottomBlue).toBeGreaterThan(230);
    expect(Math.max(bottomRed, bottomGreen)).toBeLessThan(30);
    expect(await readImageInfo(stored)).toEqual({ format: 'jpeg', width: 16, height: 32 });
  });

  it('rejects unknown and corrupt bytes with InvalidImageError', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const bmp = await readFile(resolve(FIXTURES, 'bmp/rgb24-bottom-up.bmp'));
    const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    const corrupt: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['random bytes', garbage],
      ['GIF (not supported)', new TextEncoder().encode('GIF89a\x01\x00\x01\x00')],
      ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2))],
      ['JPEG signature only', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])],
      ['truncated PNG', png.subarray(0, 40)],
      ['PNG signature then garbage', Uint8Array.from([...png.subarray(0, 8), ...garbage])],
      ['truncated BMP pixels', bmp.subarray(0, bmp.length - 20)],
      ['BMP header only', bmp.subarray(0, 20)],
    ];
    for (const [what, bytes] of corrupt) {
      await expect(decodeImageBytes(bytes), what).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    }
  });

  it('accepts a JPEG with a benign libjpeg warning (extraneous bytes before a marker), like OpenCV', async () => {
    const clean = Buffer.from(
      await sharp({ create: { width: 16, height: 8, channels: 3, background: '#5080a0' } })
        .jpeg()
        .toBuffer(),
    );
    const startOfScan = clean.indexOf(Buffer.from([0xff, 0xda]));
    const withJunk = Buffer.concat([
      clean.subarray(0, startOfScan),
      Buffer.from([0x12, 0x34]),
      clean.subarray(startOfScan),
    ]);
    expect((await decodeImageBytes(withJunk)).data).toEqual((await decodeImageBytes(clean)).data);
  });

  it('refuses a huge declared size from the header, before decoding pixels (ImageTooLargeError)', async () => {
    // A 60000 x 60000 JPEG header (3.6 gigapixels) on an 8 x 8 file: patch the SOF0 dimensions.
    const jpeg = Buffer.from(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .jpeg()
        .toBuffer(),
    );
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    jpeg.writeUInt16BE(60000, sof + 5);
    jpeg.writeUInt16BE(60000, sof + 7);
    await expect(decodeImageBytes(jpeg)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });

    // A 54-byte BMP that declares 40000 x 40000 pixels: refused from the header, no 4.8 GB allocation.
    const bmp = Buffer.alloc(54);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(40000, 18);
    bmp.writeInt32LE(40000, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    await expect(decodeImageBytes(bmp)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });

    // The limit is an option.
    const small = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(decodeImageBytes(small, { maxPixels: 99 })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect((await decodeImageBytes(small, { maxPixels: 100 })).width).toBe(10);
    await expect(decodeImageBytes(small, { maxPixels: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('detects formats from magic bytes', async () => {
    expect(detectImageFormat(await readFile(resolve(FIXTURES, 'formats/jpeg-plain.jpg')))).toBe('jpeg');
    expect(detectImageFormat(await readFile(resolve(FIXTURES, 'formats/png-gray.png')))).toBe('png');
    expect(detectImageFormat(await readFile(resolve(FIXTURES, 'formats/tiff8-rgb.tif')))).toBe('tiff');
    expect(detectImageFormat(await readFile(resolve(FIXTURES, 'formats/webp-lossless.webp')))).toBe('webp');
    expect(detectImageFormat(await readFile(resolve(FIXTURES, 'bmp/mono1.bmp')))).toBe('bmp');
    expect(detectImageFormat(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  it('names the path when a file is missing or unreadable', async () => {
    await expect(decodeImageFile('/nonexistent/picture.png')).rejects.toMatchObject({
      code: 'INVALID_IMAGE',
      message: expect.stringContaining('/nonexistent/picture.png'),
    });
  });
});
