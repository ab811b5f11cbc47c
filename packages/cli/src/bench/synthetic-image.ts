import type { Click, RgbImage } from '@simpleclick/core';

/** Size of the default bench image: 1920 x 1080, about 2 megapixels (the size the overhead goal is set for). */
export const BENCH_IMAGE_WIDTH_PX = 1920;
export const BENCH_IMAGE_HEIGHT_PX = 1080;

/**
 * A deterministic test picture: a textured background (gradients plus a checker pattern) with a red ellipse in
 * the middle (an "object" 600 x 400 pixels at 1920 x 1080, scaled with the image). Texture keeps the resize
 * and PNG paths honest; the image content does not change the model's run time.
 */
export function createSyntheticImage(width = BENCH_IMAGE_WIDTH_PX, height = BENCH_IMAGE_HEIGHT_PX): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const centerX = width / 2;
  const centerY = height / 2;
  const radiusX = (width * 300) / BENCH_IMAGE_WIDTH_PX;
  const radiusY = (height * 200) / BENCH_IMAGE_HEIGHT_PX;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inside = ((x - centerX) / radiusX) ** 2 + ((y - centerY) / radiusY) ** 2 <= 1;
      const checker = ((x >> 5) + (y >> 5)) & 1 ? 24 : 0;
      data[i] = inside ? 210 - checker : Math.round((x * 180) / width) + checker;
      data[i + 1] = inside ? 40 + checker : Math.round((y * 180) / height) + checker;
      data[i + 2] = inside ? 50 : 90 + checker;
    }
  }
  return { width, height, data };
}

/**
 * Click positions as fractions of the image size, in order: inside and around the synthetic ellipse (positive
 * inside, negative outside), as a user refining an object would click. Longer sequences repeat the pattern
 * shifted a little, so every click is new.
 */
const CLICK_PATTERN: readonly (readonly [xFraction: number, yFraction: number, isPositive: boolean])[] = [
  [0.5, 0.5, true],
  [0.7, 0.5, false],
  [0.42, 0.44, true],
  [0.5, 0.76, false],
  [0.57, 0.56, true],
  [0.3, 0.5, false],
  [0.5, 0.34, true],
  [0.5, 0.2, false],
];

/** `count` clicks for an image of this size (see {@link CLICK_PATTERN}); the same list goes to both predictors. */
export function benchClicks(width: number, height: number, count: number): Click[] {
  const clicks: Click[] = [];
  for (let k = 0; k < count; k++) {
    const [xFraction, yFraction, isPositive] = CLICK_PATTERN[k % CLICK_PATTERN.length];
    const shift = Math.floor(k / CLICK_PATTERN.length) * 0.013;
    clicks.push({
      xPx: Math.min(width - 1, Math.round((xFraction + shift) * width)),
      yPx: Math.min(height - 1, Math.round((yFraction + shift) * height)),
      isPositive,
    });
  }
  return clicks;
}
