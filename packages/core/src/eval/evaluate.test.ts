import { describe, expect, it } from 'vitest';
import type { Click } from '../clicks/click';
import { createRgbImage, type RgbImage } from '../image/rgb-image';
import { createBinaryMask, type BinaryMask } from '../mask/binary-mask';
import type { EvalSample } from './eval-sample';
import { evaluateDataset } from './evaluate';
import { maskSegmenter } from './test-support/mask-segmenter';
import { rectangleMask } from '../test-support/test-masks';

const WIDTH = 40;
const HEIGHT = 30;
const image: RgbImage = createRgbImage(WIDTH, HEIGHT, new Uint8Array(WIDTH * HEIGHT * 3));

function union(...masks: BinaryMask[]): BinaryMask {
  const out = createBinaryMask(masks[0].width, masks[0].height);
  for (const mask of masks) mask.data.forEach((value, i) => (out.data[i] |= value));
  return out;
}

/** Oracle: predicts the union of the ground-truth parts that contain a positive click; ignores negatives. */
function partsOracle(parts: BinaryMask[]) {
  return maskSegmenter((received, clicks: readonly Click[]) => {
    expect(received).toBe(image);
    const hit = parts.filter((part) =>
      clicks.some((click) => click.isPositive && part.data[click.yPx * part.width + click.xPx] === 1),
    );
    return { mask: hit.length > 0 ? union(...hit) : createBinaryMask(WIDTH, HEIGHT) };
  });
}

// Three separate squares: 9 x 9 (81 px), 5 x 5 (25 px), 3 x 3 (9 px); 115 px in all.
const big = rectangleMask(WIDTH, HEIGHT, { xMin: 2, xMax: 10, yMin: 2, yMax: 10 });
const medium = rectangleMask(WIDTH, HEIGHT, { xMin: 20, xMax: 24, yMin: 4, yMax: 8 });
const small = rectangleMask(WIDTH, HEIGHT, { xMin: 30, xMax: 32, yMin: 20, yMax: 22 });
const threeSquares: EvalSample = { id: 'toy/three-squares', image, gt: union(big, medium, small) };

describe('evaluateDataset', () => {
  it('clicks the deepest missed part each time and stops early once IoU >= 0.9', async () => {
    const segmenter = partsOracle([big, medium, small]);
    const result = await evaluateDataset([threeSquares], segmenter, { datasetName: 'toy' });
    const [object] = result.objects;
    // Click 1: centre of the 9 x 9 square (depth 5) -> IoU 81/115; click 2: centre of the 5 x 5 -> 106/115 >= 0.9.
    expect(object.clicks).toEqual([
      { xPx: 6, yPx: 6, isPositive: true },
      { xPx: 22, yPx: 6, isPositive: true },
    ]);
    expect(object.ious).toEqual([81 / 115, 106 / 115]);
    expect(object.noc).toEqual([2, 2, 2]);
    // A fresh object starts without a state; the next click gets the state the first one returned.
    expect(segmenter.previousStates).toEqual([undefined, 1]);
    expect(result.datasetName).toBe('toy');
    expect(result.summary.clickCount).toBe(2);
    expect(result.summary.nocMean).toEqual([2, 2, 2]);
    expect(result.summary.nof).toEqual([0, 0, 0]);
  });

  it('runs all clicks without early stop; after a perfect mask it clicks negative at (0, 0), NoC unchanged', async () => {
    const result = await evaluateDataset([threeSquares], partsOracle([big, medium, small]), { earlyStop: false });
    const [object] = result.objects;
    expect(object.ious).toHaveLength(20);
    expect(object.ious.slice(0, 3)).toEqual([81 / 115, 106 / 115, 1]);
    expect(object.clicks[2]).toEqual({ xPx: 31, yPx: 21, isPositive: true });
    expect(object.clicks.slice(3)).toEqual(new Array(17).fill({ xPx: 0, yPx: 0, isPositive: false }));
    expect(object.noc).toEqual([2, 2, 2]);
    expect(result.summary.meanIouPerClick).toHaveLength(20);
    expect(result.summary.meanIouPerClick[0]).toBe(Math.fround(81 / 115));
  });

  it('counts a segmenter stuck at IoU exactly 0.85 as NoC@85 = 1 and a NoF at 90, running all 20 clicks', async () => {
    // The prediction misses 3 of the 20 rows of a 20 x 20 square: IoU = 340/400 = 0.85 whatever the clicks.
    const gt = rectangleMask(WIDTH, HEIGHT, { xMin: 5, xMax: 24, yMin: 5, yMax: 24 });
    const stuck = rectangleMask(WIDTH, HEIGHT, { xMin: 5, xMax: 24, yMin: 5, yMax: 21 });
    const segmenter = maskSegmenter(() => ({ mask: stuck }));
    const result = await evaluateDataset([{ id: 'toy/stuck', image, gt }], segmenter);
    expect(result.objects[0].ious).toEqual(new Array(20).fill(0.85));
    expect(result.objects[0].noc).toEqual([1, 1, 20]);
    expect(result.summary.nof).toEqual([0, 0, 1]);
    // Click 1 is on the empty prediction: the square's first central pixel (14, 14). Then the missed band is rows
    // 22..24, columns 5..24. Depth 2 (distance to rows 21 and 25, and to columns 4 and 25)
    // holds on its middle row for columns 6..23: those 18 clicks come next, left to right; then depth 1, first in
    // row-major order: row 22, column 5.
    const expectedClicks = [
      { xPx: 14, yPx: 14, isPositive: true },
      ...Array.from({ length: 18 }, (_, i) => ({ xPx: 6 + i, yPx: 23, isPositive: true })),
      { xPx: 5, yPx: 22, isPositive: true },
    ];
    expect(result.objects[0].clicks).toEqual(expectedClicks);
  });

  it('respects the ignore mask in clicks and IoU', async () => {
    // The big square is ignored: only medium + small count, so one click on the medium square gives 25/34.
    const ignore = big;
    const sample: EvalSample = { id: 'toy/ignored', image, gt: union(big, medium, small), ignore };
    const result = await evaluateDataset([sample], partsOracle([big, medium, small]));
    expect(result.objects[0].clicks[0]).toEqual({ xPx: 22, yPx: 6, isPositive: true });
    expect(result.objects[0].ious).toEqual([25 / 34, 1]);
  });

  it('measures the whole loop (sample loading included) for SPC, from an async iterable', async () => {
    let clockMs = 1000;
    async function* samples(): AsyncGenerator<EvalSample> {
      clockMs += 500; // "loading" the first image
      yield threeSquares;
      clockMs += 500;
      yield { ...threeSquares, id: 'toy/again' };
    }
    const segmenter = partsOracle([big, medium, small]);
    const result = await evaluateDataset(samples(), segmenter, { now: () => clockMs });
    expect(result.summary.objectCount).toBe(2);
    expect(result.summary.clickCount).toBe(4);
    expect(segmenter.previousStates).toEqual([undefined, 1, undefined, 1]);
    expect(result.summary.elapsedSeconds).toBe(1);
    expect(result.summary.secondsPerClick).toBe(0.25);
    expect(result.datasetName).toBe('dataset');
  });

  it('rejects bad options, an empty dataset and masks that do not fit the image', async () => {
    const segmenter = partsOracle([big]);
    await expect(evaluateDataset([threeSquares], segmenter, { maxClicks: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(evaluateDataset([threeSquares], segmenter, { maskThreshold: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(evaluateDataset([], segmenter)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const wrongSize: EvalSample = { id: 'bad', image, gt: createBinaryMask(WIDTH, HEIGHT + 1) };
    await expect(evaluateDataset([wrongSize], segmenter)).rejects.toMatchObject({ code: 'INVALID_MASK' });
  });
});
