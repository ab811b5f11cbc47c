/** Test support (not exported from the package): small images and independent mask expectations. */
import type { Click } from '../../clicks/click';
import type { RgbImage } from '../../image/rgb-image';
import type { BinaryMask } from '../../mask/binary-mask';

/** A deterministic RGB gradient of the given size. */
export function gradientImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = (i * 7) % 256;
    data[i * 3 + 1] = (i * 13) % 256;
    data[i * 3 + 2] = (i * 29) % 256;
  }
  return { width, height, data };
}

/**
 * The mask the fake disk segmenter must give, written out independently of its code: a pixel is set when it
 * is above `threshold` in the base or in some positive disk (value 1 - d / 2r inside radius r), and no
 * negative click lies within r of it.
 */
export function expectedDiskMask(
  width: number,
  height: number,
  clicks: readonly Click[],
  radiusPx: number,
  threshold: number,
  base?: BinaryMask,
): BinaryMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inBase = base !== undefined && base.data[y * width + x] === 1 && 1 > threshold;
      const inPositive = clicks.some((click) => {
        const d = Math.hypot(x - click.xPx, y - click.yPx);
        return click.isPositive && d <= radiusPx && Math.fround(1 - d / (2 * radiusPx)) > Math.fround(threshold);
      });
      const inNegative = clicks.some(
        (click) => !click.isPositive && Math.hypot(x - click.xPx, y - click.yPx) <= radiusPx,
      );
      data[y * width + x] = (inBase || inPositive) && !inNegative ? 1 : 0;
    }
  }
  return { width, height, data };
}

/** Number of set pixels. */
export function areaPx(mask: { readonly data: ArrayLike<number> }): number {
  let count = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) count += 1;
  return count;
}

/** A promise's settled outcome, for tests that check rejections without unhandled-rejection noise. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
