import { describe, expect, it } from 'vitest';
import { resizeMaskNearest } from './resize-mask-nearest';

describe('resizeMaskNearest', () => {
  it('nearest resampling keeps a mask at the same size and doubles pixels when scaling by 2', () => {
    const mask = { width: 2, height: 1, data: new Uint8Array([1, 0]) };
    expect(resizeMaskNearest(mask, 2, 1)).toBe(mask);
    expect(Array.from(resizeMaskNearest(mask, 4, 2).data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
  });
});
