import type { BinaryMask } from '@simpleclick/core';

/**
 * A mask resampled to `widthPx` x `heightPx` by nearest neighbour (pixel centres mapped proportionally). Used
 * only when Label Studio reports a natural image size other than the decoded one, so that the brush RLE has the
 * size the frontend decodes it with.
 */
export function resizeMaskNearest(mask: BinaryMask, widthPx: number, heightPx: number): BinaryMask {
  if (mask.width === widthPx && mask.height === heightPx) return mask;
  const data = new Uint8Array(widthPx * heightPx);
  const columns = new Int32Array(widthPx);
  for (let x = 0; x < widthPx; x++)
    columns[x] = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / widthPx));
  for (let y = 0; y < heightPx; y++) {
    const sourceRow = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / heightPx)) * mask.width;
    for (let x = 0; x < widthPx; x++) data[y * widthPx + x] = mask.data[sourceRow + columns[x]];
  }
  return { width: widthPx, height: heightPx, data };
}
