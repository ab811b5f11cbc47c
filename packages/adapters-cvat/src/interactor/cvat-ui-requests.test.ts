import { describe, expect, it } from 'vitest';
import { ClickPredictor, cropRgbImage, type BinaryMask } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, maskOfResult, syntheticFrame } from '../test-support/fixtures';
import { buildCvatResult } from './build-response';
import { CvatInteractor } from './cvat-interactor';

// What CVAT's canvas and UI send and read: edge clicks, boxes, the mask encoding and its size.
const image = syntheticFrame(96, 64);
const frame = frameBase64(image);
const body = (pos: number[][], neg: number[][] = [], extra: Record<string, unknown> = {}) => ({
  image: frame,
  pos_points: pos,
  neg_points: neg,
  ...extra,
});
const newInteractor = async () => CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()));

describe('CVAT UI requests', () => {
  it('clamps the clicks CVAT sends for edge pixels (up to half a pixel outside) onto the frame', async () => {
    const interactor = await newInteractor();
    const answer = await interactor.handle(
      body(
        [[-0.4, 64.2]],
        [
          [95.9, -0.5],
          [96.2, 10],
        ],
      ),
    );
    expect(answer.clicks).toEqual([
      { xPx: 0, yPx: 63.5, isPositive: true },
      { xPx: 95.9, yPx: 0, isPositive: false },
      { xPx: 95.5, yPx: 10, isPositive: false },
    ]);
    await expect(interactor.handle(body([[-0.6, 10]]))).rejects.toMatchObject({ code: 'INVALID_CLICK' });
    await expect(interactor.handle(body([[10, 64.5]]))).rejects.toMatchObject({ code: 'INVALID_CLICK' });
  });

  it('starts the object from obj_bbox as the Label Studio backend starts it from a rectangle', async () => {
    const interactor = await newInteractor();
    const box = [
      [30, 16],
      [70, 50],
    ]; // columns 30..69, rows 16..49
    const answer = await interactor.handle(body([[40, 20]], [], { obj_bbox: box }));
    // Reference: the predictor on the crop (box grown by 1.4 about its centre), centre click first, then the
    // request's clicks; the mask pasted back and cleared outside the box.
    const crop = { colMin: 22, colMax: 77, rowMin: 9, rowMax: 56 };
    const predictor = await ClickPredictor.create(new ClickEchoModel());
    const clicks = [
      { xPx: 49 - crop.colMin, yPx: 32 - crop.rowMin, isPositive: true },
      { xPx: 40 - crop.colMin, yPx: 20 - crop.rowMin, isPositive: true },
    ];
    const cropImage = cropRgbImage(image, crop);
    const first = await predictor.predict(cropImage, clicks.slice(0, 1));
    const second = await predictor.predict(cropImage, clicks, first.state);
    const cropMask = second.state.toMask(predictor.options.maskThreshold);
    const expected = new Uint8Array(96 * 64);
    for (let row = 16; row <= 49; row++) {
      for (let col = 30; col <= 69; col++)
        expected[row * 96 + col] = cropMask.data[(row - crop.rowMin) * cropMask.width + col - crop.colMin];
    }
    expect(maskOfResult(answer.result, 96, 64).data).toEqual(expected);
    expect(answer.clicks).toEqual([
      { xPx: 49, yPx: 32, isPositive: true },
      { xPx: 40, yPx: 20, isPositive: true },
    ]);
  });

  it('refuses only-negative points with the reason (CVAT asks for a positive point first)', async () => {
    const interactor = await newInteractor();
    await expect(interactor.handle(body([], [[10, 10]]))).rejects.toMatchObject({
      code: 'INVALID_CLICK',
      message: expect.stringMatching(/no positive point/),
    });
  });
});

describe('CVAT answer size', () => {
  /** A 7000 x 7000 frame's mask: a disk of radius 1200 (a large object: a 2401 x 2401 crop). */
  function bigMask(): BinaryMask {
    const size = 7000;
    const data = new Uint8Array(size * size);
    for (let y = 3500 - 1200; y <= 3500 + 1200; y++) {
      const half = Math.floor(Math.sqrt(1200 ** 2 - (y - 3500) ** 2));
      data.fill(1, y * size + 3500 - half, y * size + 3500 + half + 1);
    }
    return { width: size, height: size, data };
  }

  it("sends the mask cropped to its bounds as 0/1 (what CVAT's mask2Rle reads like 0/255), about 2 bytes a pixel", () => {
    const result = buildCvatResult(bigMask(), { xPx: 3500, yPx: 3500 }, { includePolygon: true, polygon: {} });
    expect(result.bounds).toEqual([2300, 2300, 4700, 4700]);
    expect(result.mask).toHaveLength(2401);
    expect(result.mask.every((row) => row.length === 2401 && row.every((v) => v === 0 || v === 1))).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify(result));
    const croppedPixels = 2401 * 2401;
    expect(bytes).toBeLessThan(2.1 * croppedPixels); // "0," or "1," per pixel, plus the rows' brackets
    console.info(`7000 x 7000 frame, disk of radius 1200: answer ${(bytes / 1e6).toFixed(1)} MB (cropped 0/1)`);
  });
});
