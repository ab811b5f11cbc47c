import { describe, expect, it } from 'vitest';
import { createBinaryMask } from '../mask/binary-mask';
import { ClickSimulator } from './click-simulator';
import type { Click } from '../clicks/click';
import type { BinaryMask } from '../mask/binary-mask';
import { euclideanDistanceTransform } from './distance-transform';
import { findNextClick } from './next-click';
import { maskFromRows, rectangleMask } from '../test-support/test-masks';
import { seededRandom } from '../test-support/seeded-random';

/** The rules applied literally on whole padded images (no bounding-box shortcut), as a reference. */
function literalNextClick(gt: BinaryMask, prediction: BinaryMask, ignore: BinaryMask, clicked: Uint8Array): Click {
  const { width, height } = gt;
  const paddedWidth = width + 2;
  const fn = new Uint8Array(paddedWidth * (height + 2));
  const fp = new Uint8Array(paddedWidth * (height + 2));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const valid = ignore.data[i] === 0;
      fn[(y + 1) * paddedWidth + x + 1] = valid && gt.data[i] === 1 && prediction.data[i] === 0 ? 1 : 0;
      fp[(y + 1) * paddedWidth + x + 1] = valid && gt.data[i] === 0 && prediction.data[i] === 1 ? 1 : 0;
    }
  }
  const unpad = (padded: Float32Array) =>
    Float32Array.from({ length: width * height }, (_, i) =>
      clicked[i] ? 0 : padded[(Math.floor(i / width) + 1) * paddedWidth + (i % width) + 1],
    );
  const fnDistance = unpad(euclideanDistanceTransform(fn, paddedWidth, height + 2));
  const fpDistance = unpad(euclideanDistanceTransform(fp, paddedWidth, height + 2));
  const fnMax = Math.max(...fnDistance);
  const fpMax = Math.max(...fpDistance);
  const isPositive = fnMax > fpMax;
  const index = isPositive ? fnDistance.indexOf(fnMax) : fpDistance.indexOf(fpMax);
  return { xPx: index % width, yPx: Math.floor(index / width), isPositive };
}

describe('findNextClick (official clicker rules, hand-checked)', () => {
  it('clicks the centre of a single missed blob, positive', () => {
    // 5 x 5 square at rows 2..6, columns 3..7: only its centre (row 4, column 5) is 3 px from the outside.
    const gt = rectangleMask(12, 10, { xMin: 3, xMax: 7, yMin: 2, yMax: 6 });
    const click = findNextClick({ gt, prediction: createBinaryMask(12, 10) });
    expect(click).toEqual({ xPx: 5, yPx: 4, isPositive: true });
  });

  it('clicks negative into a false-positive region that is deeper than the missed one', () => {
    const gt = rectangleMask(20, 10, { xMin: 1, xMax: 3, yMin: 1, yMax: 3 }); // missed 3 x 3: depth 2
    const prediction = rectangleMask(20, 10, { xMin: 10, xMax: 16, yMin: 1, yMax: 7 }); // wrong 7 x 7: depth 4
    expect(findNextClick({ gt, prediction })).toEqual({ xPx: 13, yPx: 4, isPositive: false });
  });

  it('breaks a tie between the deepest fn and fp distance as negative', () => {
    // Same 3 x 3 size: both maxima are 2. The fp square comes later in row-major order, still it wins.
    const gt = rectangleMask(12, 6, { xMin: 1, xMax: 3, yMin: 1, yMax: 3 });
    const prediction = rectangleMask(12, 6, { xMin: 7, xMax: 9, yMin: 2, yMax: 4 });
    expect(findNextClick({ gt, prediction })).toEqual({ xPx: 8, yPx: 3, isPositive: false });
  });

  it('measures regions that touch the image border to the border (one pixel of zero padding)', () => {
    // Missed region = columns 0..4 of a 7-row image: touches top, bottom and left. With the padding the deepest
    // pixels are column 2, rows 2..4 (distance 3 to the padded border and to column 5); the first is row 2.
    // Without padding the left column would be 5 away from the nearest zero and win.
    const gt = rectangleMask(12, 7, { xMin: 0, xMax: 4, yMin: 0, yMax: 6 });
    expect(findNextClick({ gt, prediction: createBinaryMask(12, 7) })).toEqual({ xPx: 2, yPx: 2, isPositive: true });
  });

  it('handles a ground truth covering the whole image (only the padding is background)', () => {
    const gt = rectangleMask(5, 5, { xMin: 0, xMax: 4, yMin: 0, yMax: 4 });
    expect(findNextClick({ gt, prediction: createBinaryMask(5, 5) })).toEqual({ xPx: 2, yPx: 2, isPositive: true });
  });

  it('excludes ignored pixels from both error regions', () => {
    // A large missed block that is entirely ignored, and a small missed block that counts.
    const gt = maskFromRows([
      '..........',
      '.#####....',
      '.#####....',
      '.#####..#.',
      '.#####....',
      '.#####....',
      '..........',
    ]);
    const ignore = rectangleMask(10, 7, { xMin: 1, xMax: 5, yMin: 1, yMax: 5 });
    expect(findNextClick({ gt, prediction: createBinaryMask(10, 7), ignore })).toEqual({
      xPx: 8,
      yPx: 3,
      isPositive: true,
    });
    // An ignored false positive is no error either: with everything else right there is none left.
    const prediction = maskFromRows([
      '..........',
      '.#####....',
      '.#####....',
      '.#####..#.',
      '.#####....',
      '.#####....',
      '..........',
    ]);
    const gtSmallOnly = rectangleMask(10, 7, { xMin: 8, xMax: 8, yMin: 3, yMax: 3 });
    expect(findNextClick({ gt: gtSmallOnly, prediction, ignore })).toEqual({ xPx: 0, yPx: 0, isPositive: false });
  });

  it('ignores the ignore band in the distance too: an ignored pixel counts as outside the error', () => {
    // Missed 5 x 5 square whose centre column is ignored: the two halves are 2 px wide, depth 1.
    const gt = rectangleMask(9, 9, { xMin: 2, xMax: 6, yMin: 2, yMax: 6 });
    const ignore = rectangleMask(9, 9, { xMin: 4, xMax: 4, yMin: 0, yMax: 8 });
    const click = findNextClick({ gt, prediction: createBinaryMask(9, 9), ignore });
    expect(click).toEqual({ xPx: 2, yPx: 2, isPositive: true });
  });

  it('zeroes already-clicked pixels, then takes the next maximum in row-major order', () => {
    const gt = rectangleMask(12, 10, { xMin: 3, xMax: 7, yMin: 2, yMax: 6 });
    const clicked = new Uint8Array(120);
    clicked[4 * 12 + 5] = 1; // the centre
    // The next-deepest pixels (distance 2) are rows 3..5 x columns 4..6; the first in row-major order is (4, 3).
    expect(findNextClick({ gt, prediction: createBinaryMask(12, 10), clicked })).toEqual({
      xPx: 4,
      yPx: 3,
      isPositive: true,
    });
  });

  it('picks the first maximum in row-major order (row first, then column)', () => {
    // Two equal 3 x 3 missed blocks; the right one starts one row higher, so it comes first.
    const gt = maskFromRows(['..........', '......###.', '.###..###.', '.###..###.', '.###......', '..........']);
    expect(findNextClick({ gt, prediction: createBinaryMask(10, 6) })).toEqual({ xPx: 7, yPx: 2, isPositive: true });
  });

  it('returns a negative click at (0, 0) when there is no error left', () => {
    const gt = rectangleMask(6, 4, { xMin: 2, xMax: 4, yMin: 1, yMax: 2 });
    expect(findNextClick({ gt, prediction: gt })).toEqual({ xPx: 0, yPx: 0, isPositive: false });
  });

  it('matches the literal whole-image rules on random masks (the bounding-box shortcut changes nothing)', () => {
    const random = seededRandom(99);
    const blobs = (width: number, height: number) => {
      const mask = createBinaryMask(width, height);
      for (let b = 0; b < 1 + Math.floor(random() * 3); b++) {
        const cx = random() * width;
        const cy = random() * height;
        const r = 1 + random() * 8;
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask.data[y * width + x] = 1;
      }
      return mask;
    };
    for (let trial = 0; trial < 200; trial++) {
      const width = 2 + Math.floor(random() * 30);
      const height = 2 + Math.floor(random() * 30);
      const gt = blobs(width, height);
      const prediction = trial % 4 === 0 ? createBinaryMask(width, height) : blobs(width, height);
      const ignore = createBinaryMask(width, height);
      const clicked = new Uint8Array(width * height);
      for (let i = 0; i < ignore.data.length; i++) {
        ignore.data[i] = trial % 3 === 0 && random() < 0.1 ? 1 : 0;
        clicked[i] = trial % 2 === 0 && random() < 0.1 ? 1 : 0;
      }
      expect(findNextClick({ gt, prediction, ignore, clicked }), `trial ${trial}`).toEqual(
        literalNextClick(gt, prediction, ignore, clicked),
      );
    }
  });

  it('rejects masks of different sizes', () => {
    expect(() => findNextClick({ gt: createBinaryMask(4, 4), prediction: createBinaryMask(4, 5) })).toThrow(
      expect.objectContaining({ code: 'INVALID_MASK' }),
    );
  });
});

describe('ClickSimulator', () => {
  it('records clicks and never clicks the same pixel twice', () => {
    const gt = rectangleMask(12, 10, { xMin: 3, xMax: 7, yMin: 2, yMax: 6 });
    const simulator = ClickSimulator.create(gt);
    const empty = createBinaryMask(12, 10);
    const first = simulator.addNextClick(empty);
    const second = simulator.addNextClick(empty);
    expect(first).toEqual({ xPx: 5, yPx: 4, isPositive: true });
    expect(second).toEqual({ xPx: 4, yPx: 3, isPositive: true });
    expect(simulator.clicks).toEqual([first, second]);
    simulator.reset();
    expect(simulator.clicks).toEqual([]);
    expect(simulator.addNextClick(empty)).toEqual(first);
  });

  it('rejects an ignore mask of another size', () => {
    expect(() => ClickSimulator.create(createBinaryMask(3, 3), createBinaryMask(3, 4))).toThrow(
      expect.objectContaining({ code: 'INVALID_MASK' }),
    );
  });
});
