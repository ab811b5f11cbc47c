import type { Click } from '../clicks/click';
import type { RgbImage } from '../image/rgb-image';
import { fastGuidedFilterRgb, guidedFilterGray } from '../mask/guided-filter';
import type { Roi } from '../image/roi';

/**
 * Edge-aware refinement of the probability map (interactive preset only; never in `parity`): a guided filter
 * (He et al.) of the ROI's probabilities, at full image resolution inside the zoom-in crop, with the image as the
 * guide, before the threshold. The network sees the crop at S x S, so its boundary, resized back to a larger
 * ROI, follows a staircase of ROI/S pixels; the filter pulls it onto the image's edges.
 */
export interface BoundaryRefinementOptions {
  /** Window radius in full-image pixels. */
  readonly radiusPx: number;
  /** Regulariser, for a guide in [0, 1] (smaller follows weaker edges). */
  readonly eps: number;
  /** `'rgb'`: the colour guided filter (3 x 3 covariance per window); `'gray'`: luma guide, cheaper. */
  readonly guide: 'rgb' | 'gray';
  /**
   * Colour guide only: fit the filter's coefficients on `subsample` x `subsample` block means (radius divided
   * likewise) and resize them back, He and Sun's fast guided filter: about `subsample`^2 less work. 1 (or left
   * out): the full-resolution filter.
   */
  readonly subsample?: number;
  /**
   * Largest zoom-in ROI refined, in pixels (left out: no limit). A refined state is kept at ROI size (4 bytes a
   * pixel, in every undo step), where an unrefined one is at most S x S, and the filter's time grows with the
   * ROI: a bigger ROI is left unrefined.
   */
  readonly maxRoiPixels?: number;
}

/** Probabilities outside `[BAND_LOW, BAND_HIGH]` count as settled: only the box around the others is filtered. */
const BAND_LOW = 0.01;
const BAND_HIGH = 0.99;

/**
 * Refines `probabilities` (the ROI's map, `roiWidth` x `roiHeight`, row-major) in place and returns whether it
 * did. Only the bounding box of the uncertain pixels (probability in [0.01, 0.99]), grown by twice the radius, is
 * filtered: outside it every window sees a settled map, which the filter leaves as it is (up to the band's 0.01).
 * Results are clamped to [0, 1].
 *
 * The refinement never contradicts a click the network obeyed: where the filter would move a click's pixel to the
 * other side of `threshold` than the click asks for (a small or thin object on a flat background is blurred
 * away, since the filter is a plain box mean where the guide has no edge), the network's values are kept within
 * the filter's radius of that click. And where the filter would leave no object pixel in the filtered box where
 * the network had some (what is left of an object after a negative click can be thin), the map is left as the
 * network made it and this returns false.
 */
export function refineRoiProbabilities(
  image: RgbImage,
  roi: Roi,
  probabilities: Float32Array,
  options: BoundaryRefinementOptions,
  clicks: readonly Click[],
  threshold: number,
): boolean {
  const roiWidth = roi.colMax - roi.colMin + 1;
  const roiHeight = roi.rowMax - roi.rowMin + 1;
  let top = roiHeight;
  let bottom = -1;
  let left = roiWidth;
  let right = -1;
  for (let y = 0; y < roiHeight; y++) {
    const start = y * roiWidth;
    for (let x = 0; x < roiWidth; x++) {
      const p = probabilities[start + x];
      if (p >= BAND_LOW && p <= BAND_HIGH) {
        if (y < top) top = y;
        if (y > bottom) bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (bottom < 0) return false;
  const margin = 2 * options.radiusPx + 1;
  top = Math.max(0, top - margin);
  left = Math.max(0, left - margin);
  bottom = Math.min(roiHeight - 1, bottom + margin);
  right = Math.min(roiWidth - 1, right + margin);
  const width = right - left + 1;
  const height = bottom - top + 1;
  const n = width * height;

  const input = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    const from = (top + y) * roiWidth + left;
    input.set(probabilities.subarray(from, from + width), y * width);
  }
  const data = image.data;
  const rgb = options.guide === 'rgb';
  const guide = new Float32Array(rgb ? 3 * n : n);
  for (let y = 0; y < height; y++) {
    let pixel = ((roi.rowMin + top + y) * image.width + roi.colMin + left) * 3;
    let i = y * width;
    for (let x = 0; x < width; x++, pixel += 3, i++) {
      const red = data[pixel] / 255;
      const green = data[pixel + 1] / 255;
      const blue = data[pixel + 2] / 255;
      if (rgb) {
        guide[i] = red;
        guide[n + i] = green;
        guide[2 * n + i] = blue;
      } else {
        guide[i] = 0.299 * red + 0.587 * green + 0.114 * blue;
      }
    }
  }
  const output = new Float32Array(n);
  const params = { radiusPx: options.radiusPx, eps: options.eps };
  if (rgb) fastGuidedFilterRgb(guide, input, width, height, params, options.subsample ?? 1, output);
  else guidedFilterGray(guide, input, width, height, params, output);
  const limit = Math.fround(threshold); // compared as the masks are (threshold-probabilities.ts)
  for (const click of clicks) {
    const x = Math.floor(click.xPx) - roi.colMin - left;
    const y = Math.floor(click.yPx) - roi.rowMin - top;
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const obeyed = input[y * width + x] > limit === click.isPositive;
    if (obeyed && output[y * width + x] > limit !== click.isPositive) {
      restoreDisk(input, output, width, height, x, y, options.radiusPx);
    }
  }
  if (erasesObject(input, output, limit)) return false;
  for (let y = 0; y < height; y++) {
    const to = (top + y) * roiWidth + left;
    for (let x = 0; x < width; x++) {
      const q = output[y * width + x];
      probabilities[to + x] = q < 0 ? 0 : q > 1 ? 1 : q;
    }
  }
  return true;
}

/** Whether the network's map has object pixels in the box and the refined one none (a thin remnant blurred away). */
function erasesObject(input: Float32Array, output: Float32Array, limit: number): boolean {
  let before = false;
  for (let i = 0; i < input.length; i++) {
    if (output[i] > limit) return false;
    if (input[i] > limit) before = true;
  }
  return before;
}

/** Puts the network's values back into `output` on the disk of radius `radius` around (x, y), clipped to the box. */
function restoreDisk(
  input: Float32Array,
  output: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  radius: number,
): void {
  for (let row = Math.max(0, y - radius); row <= Math.min(height - 1, y + radius); row++) {
    const reach = Math.floor(Math.sqrt(radius * radius - (row - y) * (row - y)));
    const start = row * width;
    for (let col = Math.max(0, x - reach); col <= Math.min(width - 1, x + reach); col++) {
      output[start + col] = input[start + col];
    }
  }
}
