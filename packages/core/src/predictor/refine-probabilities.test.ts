import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import type { RgbImage } from '../image/rgb-image';
import { guidedFilterRgb } from '../mask/guided-filter';
import type { NetInput, NetOutput, SegmentationModel } from '../model/segmentation-model';
import { ClickPredictor } from './click-predictor';
import { DEFAULT_BOUNDARY_REFINEMENT, DEFAULT_PREDICTOR_OPTIONS, resolvePredictorOptions } from './predictor-options';
import { refineRoiProbabilities } from './refine-probabilities';

/** An image with a vertical edge at column `edge`: dark left, bright right, a little texture. */
function edgeImage(width: number, height: number, edge: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = x >= edge ? 200 : 40;
      const i = (y * width + x) * 3;
      data[i] = base + ((x * 7 + y * 3) % 9);
      data[i + 1] = base - ((x + y * 5) % 7);
      data[i + 2] = base + ((x * 3) % 5);
    }
  }
  return { width, height, data };
}

describe('boundary refinement options', () => {
  it('is on in the interactive preset and the defaults, off in parity; true means the documented defaults', () => {
    expect(resolvePredictorOptions({ preset: 'parity' }).boundaryRefinement).toBeUndefined();
    expect(resolvePredictorOptions({ preset: 'interactive' }).boundaryRefinement).toEqual(DEFAULT_BOUNDARY_REFINEMENT);
    expect(resolvePredictorOptions().boundaryRefinement).toEqual(DEFAULT_BOUNDARY_REFINEMENT);
    expect(DEFAULT_PREDICTOR_OPTIONS.boundaryRefinement).toEqual(DEFAULT_BOUNDARY_REFINEMENT);
    expect(resolvePredictorOptions({ preset: 'parity', boundaryRefinement: true }).boundaryRefinement).toEqual(
      DEFAULT_BOUNDARY_REFINEMENT,
    );
    expect(
      resolvePredictorOptions({ preset: 'interactive', boundaryRefinement: false }).boundaryRefinement,
    ).toBeUndefined();
    expect(resolvePredictorOptions({ preset: 'interactive', boundaryRefinement: true }).boundaryRefinement).toEqual(
      DEFAULT_BOUNDARY_REFINEMENT,
    );
    expect(resolvePredictorOptions({ boundaryRefinement: { radiusPx: 6 } }).boundaryRefinement).toEqual({
      ...DEFAULT_BOUNDARY_REFINEMENT,
      radiusPx: 6,
    });
    expect(resolvePredictorOptions({ boundaryRefinement: false }).boundaryRefinement).toBeUndefined();
  });

  it('rejects bad values', () => {
    expect(() => resolvePredictorOptions({ boundaryRefinement: { radiusPx: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { radiusPx: 2.5 } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { eps: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { guide: 'lab' as 'rgb' } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => resolvePredictorOptions({ boundaryRefinement: { subsample: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { maxRoiPixels: 0 } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { maxRoiPixels: NaN } })).toThrow(InvalidArgumentError);
    expect(() => resolvePredictorOptions({ boundaryRefinement: { subsample: 9 } })).toThrow(InvalidArgumentError);
    expect(resolvePredictorOptions({ boundaryRefinement: { subsample: 2 } }).boundaryRefinement?.subsample).toBe(2);
    expect(() => resolvePredictorOptions({ boundaryRefinement: 'on' as unknown as boolean })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('refineRoiProbabilities', () => {
  it('leaves a settled map (only 0 and 1) as it is', () => {
    const image = edgeImage(20, 10, 10);
    const probabilities = new Float32Array(200);
    for (let i = 0; i < 200; i++) probabilities[i] = i % 20 >= 5 ? 1 : 0;
    const before = probabilities.slice();
    refineRoiProbabilities(
      image,
      { rowMin: 0, rowMax: 9, colMin: 0, colMax: 19 },
      probabilities,
      DEFAULT_BOUNDARY_REFINEMENT,
      [],
      0.49,
    );
    expect(Array.from(probabilities)).toEqual(Array.from(before));
  });

  it('is the colour guided filter over the uncertain band grown by 2r + 1, clamped to [0, 1]', () => {
    // Image 40 x 12; ROI columns 4..35, rows 1..10. Probabilities: a ramp over ROI columns 12..19, settled elsewhere.
    const image = edgeImage(40, 12, 20);
    const roi = { rowMin: 1, rowMax: 10, colMin: 4, colMax: 35 };
    const width = 32;
    const height = 10;
    const probabilities = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) probabilities[y * width + x] = Math.min(1, Math.max(0, (x - 11) / 9));
    }
    const before = probabilities.slice();
    const options = { radiusPx: 2, eps: 1e-3, guide: 'rgb' as const };
    expect(refineRoiProbabilities(image, roi, probabilities, options, [], 0.49)).toBe(true);

    // Uncertain columns 12..19 (values in [0.01, 0.99]), grown by 5: columns 7..24, all rows.
    const left = 7;
    const right = 24;
    const boxWidth = right - left + 1;
    const n = boxWidth * height;
    const guide = new Float32Array(3 * n);
    const input = new Float32Array(n);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < boxWidth; x++) {
        const pixel = ((roi.rowMin + y) * image.width + roi.colMin + left + x) * 3;
        for (let c = 0; c < 3; c++) guide[c * n + y * boxWidth + x] = image.data[pixel + c] / 255;
        input[y * boxWidth + x] = before[y * width + left + x];
      }
    }
    const filtered = new Float32Array(n);
    guidedFilterRgb(guide, input, boxWidth, height, options, filtered);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = probabilities[y * width + x];
        if (x < left || x > right) {
          expect(value).toBe(before[y * width + x]);
        } else {
          expect(value).toBe(Math.min(1, Math.max(0, filtered[y * boxWidth + x - left])));
        }
      }
    }
    // And the boundary moved onto the image edge (image column 20 = ROI column 16).
    const row = 5 * width;
    expect(probabilities[row + 16] - probabilities[row + 15]).toBeGreaterThan(before[row + 16] - before[row + 15]);
  });

  it("keeps the network's values around a click the network obeyed and the filter would undo", () => {
    // On a flat grey image the filter has no edge to follow: a box mean of radius 6, which keeps a soft 20 x 20
    // block (0.9) and blurs a soft 5 x 5 blob beside it below the threshold.
    const width = 60;
    const height = 30;
    const image = { width, height, data: new Uint8Array(width * height * 3).fill(128) };
    const roi = { rowMin: 0, rowMax: height - 1, colMin: 0, colMax: width - 1 };
    const options = { radiusPx: 6, eps: 1e-4, guide: 'rgb' as const };
    const map = new Float32Array(width * height).fill(0.05);
    for (let y = 5; y < 25; y++) for (let x = 5; x < 25; x++) map[y * width + x] = 0.9;
    for (let y = 13; y < 18; y++) for (let x = 43; x < 48; x++) map[y * width + x] = 0.9;

    const free = map.slice();
    expect(refineRoiProbabilities(image, roi, free, options, [], 0.49)).toBe(true);
    expect(free[15 * width + 15]).toBeGreaterThan(0.49);
    expect(free[15 * width + 45]).toBeLessThan(0.49);

    // A positive click on the blob: the network's values come back within the radius (6) of the click, the
    // rest of the map is refined as without the click.
    const positive = map.slice();
    const click = { xPx: 45.4, yPx: 15.7, isPositive: true };
    expect(refineRoiProbabilities(image, roi, positive, options, [click], 0.49)).toBe(true);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const nearClick = (x - 45) ** 2 + (y - 15) ** 2 <= 36;
        expect(positive[i]).toBe(nearClick ? map[i] : free[i]);
      }
    }
    expect(positive[15 * width + 45]).toBeGreaterThan(0.49);

    // A click the network did not obey (a negative click inside the blob) does not hold the refinement back.
    const negative = map.slice();
    const against = { xPx: 45, yPx: 15, isPositive: false };
    expect(refineRoiProbabilities(image, roi, negative, options, [against], 0.49)).toBe(true);
    expect(Array.from(negative)).toEqual(Array.from(free));
  });

  it('leaves the map as the network made it when the filter would erase every object pixel', () => {
    const width = 40;
    const height = 30;
    const image = { width, height, data: new Uint8Array(width * height * 3).fill(128) };
    const roi = { rowMin: 0, rowMax: height - 1, colMin: 0, colMax: width - 1 };
    const blob = new Float32Array(width * height).fill(0.05);
    for (let y = 13; y < 18; y++) for (let x = 18; x < 23; x++) blob[y * width + x] = 0.9;
    const refined = blob.slice();
    expect(refineRoiProbabilities(image, roi, refined, { radiusPx: 6, eps: 1e-4, guide: 'rgb' }, [], 0.49)).toBe(false);
    expect(Array.from(refined)).toEqual(Array.from(blob));
  });
});

const S = 32;

/** Logits falling from left to right across the crop: a soft boundary in the middle. */
class RampModel implements SegmentationModel {
  readonly metadata = { variant: 'fake', inputSizePx: S, patchSizePx: 16, trainingData: 'none', version: '0', raw: {} };
  async run(input: NetInput): Promise<NetOutput> {
    const plane = input.sizePx * input.sizePx;
    const logits = new Float32Array(input.batchSize * plane);
    for (let b = 0; b < input.batchSize; b++) {
      for (let i = 0; i < plane; i++) {
        const col = i % input.sizePx;
        logits[b * plane + i] =
          (b === 0 ? 1 : -1) * (0.4 * (input.sizePx / 2 - col)) + 4 * input.clickMaps[b * 3 * plane + plane + i];
      }
    }
    return { logits };
  }
  async close(): Promise<void> {}
}

describe('ClickPredictor with boundary refinement', () => {
  it('keeps the refined ROI map as the state, and leaves the predictor without it unchanged', async () => {
    const image = edgeImage(30, 24, 13);
    const clicks = [{ xPx: 5, yPx: 12, isPositive: true }];
    const plain = await ClickPredictor.create(new RampModel(), { preset: 'interactive', boundaryRefinement: false });
    const refined = await ClickPredictor.create(new RampModel(), { preset: 'interactive', boundaryRefinement: true });
    const a = await plain.predict(image, clicks);
    const b = await refined.predict(image, clicks);
    expect(b.roi).toEqual(a.roi);
    // The ROI is the whole image here (first click): refine the plain map by hand and compare.
    const expected = Float32Array.from(a.probabilities.data);
    expect(refineRoiProbabilities(image, a.roi, expected, DEFAULT_BOUNDARY_REFINEMENT, clicks, 0.49)).toBe(true);
    expect(Array.from(b.probabilities.data)).toEqual(Array.from(expected));
    expect(Array.from(b.probabilities.data)).not.toEqual(Array.from(a.probabilities.data));
    const mask = b.toMask();
    expect(mask.data.reduce((sum, v) => sum + v, 0)).toBeGreaterThan(0);
    await plain.close();
    await refined.close();
  });

  it('leaves a ROI above maxRoiPixels unrefined', async () => {
    const image = edgeImage(30, 24, 13);
    const clicks = [{ xPx: 5, yPx: 12, isPositive: true }];
    const plain = await ClickPredictor.create(new RampModel(), { preset: 'interactive', boundaryRefinement: false });
    const capped = await ClickPredictor.create(new RampModel(), { boundaryRefinement: { maxRoiPixels: 30 * 24 - 1 } });
    const atCap = await ClickPredictor.create(new RampModel(), { boundaryRefinement: { maxRoiPixels: 30 * 24 } });
    const a = await plain.predict(image, clicks);
    expect(Array.from((await capped.predict(image, clicks)).probabilities.data)).toEqual(
      Array.from(a.probabilities.data),
    );
    expect(Array.from((await atCap.predict(image, clicks)).probabilities.data)).not.toEqual(
      Array.from(a.probabilities.data),
    );
    await Promise.all([plain.close(), capped.close(), atCap.close()]);
  });
});
