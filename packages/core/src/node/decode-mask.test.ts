import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import realData from '../../../../test/fixtures/decode/opencv-real-data.json';
import { createRgbImage } from '../image/rgb-image';
import { groundTruthFromMaskImage, readGroundTruthFile } from './decode-mask';
import { NO_DATA_MESSAGE, findDataRoot } from './test-support';

const dataRoot = findDataRoot();
const count = (data: Uint8Array) => data.reduce((sum, value) => sum + value, 0);

describe('groundTruthFromMaskImage', () => {
  // Pixels as RGB triples. OpenCV's "channel 0" is blue, so only the blue value decides for 'blue-128'.
  const mask = createRgbImage(
    7,
    1,
    Uint8Array.from([
      0,
      0,
      0, // background
      255,
      255,
      128, // blue 128: ignore, whatever red and green say
      0,
      0,
      129, // blue 129: object
      255,
      0,
      0, // pure red: background for the blue rules, object for 'any-nonzero'
      128,
      128,
      128, // gray 128: ignore
      255,
      255,
      255, // white: object
      1,
      1,
      1, // value 1: object only under the official GrabCut loader's quirk
    ]),
  );

  it("'grabcut' (GrabCut, Berkeley): blue 128 = ignore, > 128 = object, and the loader's literal blue 1 = object", () => {
    const { gt, ignore } = groundTruthFromMaskImage(mask, 'grabcut');
    expect(Array.from(gt.data)).toEqual([0, 0, 1, 0, 0, 1, 1]);
    expect(Array.from(ignore!.data)).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });

  it("'blue-128' (official images-folder loader): like 'grabcut' without the value-1 quirk", () => {
    const { gt, ignore } = groundTruthFromMaskImage(mask, 'blue-128');
    expect(Array.from(gt.data)).toEqual([0, 0, 1, 0, 0, 1, 0]);
    expect(Array.from(ignore!.data)).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });

  it("'any-nonzero' (DAVIS, COCO_MVal): any non-zero channel = object, no ignore", () => {
    const result = groundTruthFromMaskImage(mask, 'any-nonzero');
    expect(Array.from(result.gt.data)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(result.ignore).toBeUndefined();
  });

  it('omits the ignore mask when no pixel is 128', () => {
    const plain = createRgbImage(2, 1, Uint8Array.from([0, 0, 0, 255, 255, 255]));
    expect(groundTruthFromMaskImage(plain, 'blue-128').ignore).toBeUndefined();
  });
});

describe.skipIf(!dataRoot)('readGroundTruthFile on the real GrabCut and Berkeley masks', () => {
  if (!dataRoot) console.warn(NO_DATA_MESSAGE);
  it("gives the official loader's object and ignore pixel counts (cv2, channel 0) for all 150 masks", async () => {
    const entries = Object.entries(realData.masks);
    expect(entries).toHaveLength(150);
    const mismatches: string[] = [];
    for (const [path, expected] of entries) {
      const { gt, ignore } = await readGroundTruthFile(resolve(dataRoot!, path), 'grabcut');
      const actual = { objectPixels: count(gt.data), ignorePixels: ignore ? count(ignore.data) : 0 };
      if (actual.objectPixels !== expected.objectPixels || actual.ignorePixels !== expected.ignorePixels) {
        mismatches.push(`${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
