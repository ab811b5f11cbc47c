import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors';
import { cleanUpMask } from '../../mask/clean-up-mask';
import type { BinaryMask } from '../../mask/binary-mask';
import { encodeLabelStudioBrushRle } from '../../formats/label-studio-brush-rle';
import { maskToPolygons } from '../../formats/mask-to-polygons';
import { computeObjectOutputs } from './object-outputs';

const WIDTH = 24;
const HEIGHT = 16;

/** Two blobs (one with a one-pixel hole) and a one-pixel island. */
function testMask(): BinaryMask {
  const data = new Uint8Array(WIDTH * HEIGHT);
  for (let y = 2; y < 9; y++) for (let x = 2; x < 9; x++) data[y * WIDTH + x] = 1;
  data[5 * WIDTH + 5] = 0;
  for (let y = 4; y < 12; y++) for (let x = 14; x < 20; x++) data[y * WIDTH + x] = 1;
  data[14 * WIDTH + 22] = 1;
  return { width: WIDTH, height: HEIGHT, data };
}

const probabilities = Float32Array.from({ length: WIDTH * HEIGHT }, (_, i) => (i % 7) / 7);
const clicks = [{ xPx: 4, yPx: 4, isPositive: true }];

describe('computeObjectOutputs', () => {
  it('gives what cleanUpMask, encodeLabelStudioBrushRle and maskToPolygons give, with the object clicks', () => {
    const mask = testMask();
    const cleanUp = { keep: 'clicked' as const, fillHolesMaxAreaPx: 1, removeIslandsMaxAreaPx: 0 };
    const outputs = computeObjectOutputs(
      { objectId: 3, mask, clicks, probabilities: () => probabilities },
      { cleanUp, meanProbability: true, labelStudioBrushRle: true, polygons: { epsilonPx: 0.5 }, mask: true },
    );
    const cleaned = cleanUpMask(mask, { ...cleanUp, clicks });
    expect(outputs.mask).toEqual(cleaned);
    expect(outputs.areaPx).toBe(49); // the clicked blob, its hole filled
    expect(outputs.labelStudioBrushRle).toEqual(encodeLabelStudioBrushRle(cleaned));
    expect(outputs.polygons).toEqual(maskToPolygons(cleaned, { epsilonPx: 0.5 }));
    let sum = 0;
    for (let i = 0; i < cleaned.data.length; i++) if (cleaned.data[i] !== 0) sum += probabilities[i];
    expect(outputs.meanProbability).toBe(sum / 49);
    expect(outputs).toMatchObject({ objectId: 3, width: WIDTH, height: HEIGHT });
    expect(mask).toEqual(testMask()); // the input is not changed
  });

  it('computes only what is asked for, and reads the probabilities only for the score', () => {
    let reads = 0;
    const source = { objectId: 1, mask: testMask(), clicks, probabilities: () => (reads++, probabilities) };
    const outputs = computeObjectOutputs(source, {});
    expect(outputs).toEqual({ objectId: 1, width: WIDTH, height: HEIGHT, areaPx: 49 - 1 + 48 + 1 });
    expect(reads).toBe(0);
    computeObjectOutputs(source, { meanProbability: true });
    expect(reads).toBe(1);
  });

  it('gives an empty mask a zero score and no RLE or polygons', () => {
    const empty = { width: WIDTH, height: HEIGHT, data: new Uint8Array(WIDTH * HEIGHT) };
    const outputs = computeObjectOutputs(
      { objectId: 1, mask: empty, clicks, probabilities: () => probabilities },
      { meanProbability: true, labelStudioBrushRle: true, polygons: {} },
    );
    expect(outputs).toEqual({ objectId: 1, width: WIDTH, height: HEIGHT, areaPx: 0, meanProbability: 0 });
  });

  it('refuses a missing request and bad options', () => {
    const source = { objectId: 1, mask: testMask(), clicks, probabilities: () => probabilities };
    expect(() => computeObjectOutputs(source, null as never)).toThrow(InvalidArgumentError);
    expect(() => computeObjectOutputs(source, { cleanUp: { removeIslandsMaxAreaPx: -1 } })).toThrow(
      InvalidArgumentError,
    );
  });
});
