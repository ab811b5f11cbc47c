import { describe, expect, it } from 'vitest';
import { cropNonZero, expandCrop, thresholdCrop } from './probability-crop';

describe('probability crop', () => {
  it('keeps exactly the bounding box of the non-zero values and expands back losslessly', () => {
    const width = 7;
    const height = 5;
    const data = new Float32Array(width * height);
    data[1 * width + 2] = 0.25;
    data[3 * width + 5] = 0.75;
    data[2 * width + 3] = 1e-30;
    const crop = cropNonZero({ width, height, data });
    expect(crop?.roi).toEqual({ rowMin: 1, rowMax: 3, colMin: 2, colMax: 5 });
    expect(crop?.data.length).toBe(3 * 4);
    expect(Array.from(expandCrop(crop, width, height).data)).toEqual(Array.from(data));
  });

  it('stores nothing for an all-zero map', () => {
    expect(cropNonZero({ width: 3, height: 2, data: new Float32Array(6) })).toBeUndefined();
    expect(Array.from(expandCrop(undefined, 3, 2).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('thresholds in float32: a float32 0.49 is not above float32(0.49), the next float32 is', () => {
    const width = 3;
    const data = new Float32Array([0.49, 0.5, 0]);
    data[2] = new Float32Array(new Uint32Array([new Uint32Array(new Float32Array([0.49]).buffer)[0] + 1]).buffer)[0];
    const mask = thresholdCrop(cropNonZero({ width, height: 1, data }), width, 1, 0.49);
    expect(Array.from(mask.data)).toEqual([0, 1, 1]);
  });
});
