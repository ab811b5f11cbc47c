import { InvalidArgumentError } from '../errors';
import type { Click } from '../clicks/click';
import type { BinaryMask } from '../mask/binary-mask';
import { assertMaskSize } from '../mask/assert-mask';
import { euclideanDistanceTransform } from './distance-transform';

/** Inputs of {@link findNextClick}; all masks have the ground truth's size. */
export interface NextClickInput {
  /** Ground truth, 1 = object. */
  readonly gt: BinaryMask;
  /** Current prediction, 1 = object. */
  readonly prediction: BinaryMask;
  /** 1 = ignored pixel (neither right nor wrong). Optional. */
  readonly ignore?: BinaryMask;
  /** Row-major, 1 where a click was already placed (such pixels are never chosen again). Optional. */
  readonly clicked?: Uint8Array;
}

/**
 * The official automatic click (RITM/SimpleClick `Clicker._get_next_click`): the pixel deepest inside the
 * larger error region.
 *
 * - false negatives `fn = gt & !prediction & !ignore`, false positives `fp = !gt & prediction & !ignore`;
 * - each is padded by one pixel of zeros, so the image border counts as "outside the error" (a region touching the
 *   border is measured to the border), then its exact Euclidean distance transform is taken (float32);
 * - distances at already-clicked pixels are set to 0;
 * - the click is positive iff max(fn distance) > max(fp distance) (a tie is negative), placed at the first pixel in
 *   row-major order that attains that maximum. With no error pixel left this is a negative click at (0, 0).
 *
 * Coordinates of the result are integer pixel indices.
 */
export function findNextClick(input: NextClickInput): Click {
  const { gt, prediction, ignore, clicked } = input;
  const { width, height } = gt;
  assertMaskSize(gt, width, height, 'ground truth');
  assertMaskSize(prediction, width, height, 'prediction');
  if (ignore) assertMaskSize(ignore, width, height, 'ignore mask');
  if (clicked && clicked.length !== width * height) {
    throw new InvalidArgumentError(`clicked map has ${clicked.length} pixels, expected ${width * height}`);
  }

  const falseNegatives = new Uint8Array(width * height);
  const falsePositives = new Uint8Array(width * height);
  const fnBox = emptyBox();
  const fpBox = emptyBox();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      if (ignore && ignore.data[index] !== 0) continue;
      const isObject = gt.data[index] !== 0;
      const isPredicted = prediction.data[index] !== 0;
      if (isObject && !isPredicted) {
        falseNegatives[index] = 1;
        growBox(fnBox, x, y);
      } else if (!isObject && isPredicted) {
        falsePositives[index] = 1;
        growBox(fpBox, x, y);
      }
    }
  }
  const fn = deepestPixel(falseNegatives, fnBox, width, clicked);
  const fp = deepestPixel(falsePositives, fpBox, width, clicked);
  const isPositive = fn.value > fp.value;
  const chosen = isPositive ? fn : fp;
  return { xPx: chosen.index % width, yPx: Math.floor(chosen.index / width), isPositive };
}

/** Inclusive bounding box of the pixels of one error region. */
interface Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

function emptyBox(): Box {
  return { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
}

function growBox(box: Box, x: number, y: number): void {
  if (x < box.xMin) box.xMin = x;
  if (x > box.xMax) box.xMax = x;
  if (y < box.yMin) box.yMin = y;
  if (y > box.yMax) box.yMax = y;
}

/**
 * Maximum distance over one error region (clicked pixels count as 0) and the first row-major index attaining it.
 *
 * The transform runs on the region's bounding box padded by one pixel of zeros instead of on the whole padded
 * image: every pixel outside the box is background, and for an error pixel p the nearest zero z can always be
 * replaced by z clamped to the padded box (also a zero, and no farther from p), so the distances are exactly
 * those of the whole padded image. Pixels outside the box have distance 0. Distances are never negative, so
 * starting from 0 at index 0 reproduces `np.where(d == max)[0]` also when the maximum is 0 (no error left).
 */
function deepestPixel(
  region: Uint8Array,
  box: Box,
  width: number,
  clicked: Uint8Array | undefined,
): { value: number; index: number } {
  let bestValue = 0;
  let bestIndex = 0;
  if (box.xMax < box.xMin) return { value: bestValue, index: bestIndex };
  const boxWidth = box.xMax - box.xMin + 1;
  const boxHeight = box.yMax - box.yMin + 1;
  const paddedWidth = boxWidth + 2;
  const padded = new Uint8Array(paddedWidth * (boxHeight + 2));
  for (let y = 0; y < boxHeight; y++) {
    const source = (box.yMin + y) * width + box.xMin;
    padded.set(region.subarray(source, source + boxWidth), (y + 1) * paddedWidth + 1);
  }
  const distance = euclideanDistanceTransform(padded, paddedWidth, boxHeight + 2);
  for (let y = 0; y < boxHeight; y++) {
    const paddedRow = (y + 1) * paddedWidth + 1;
    const imageRow = (box.yMin + y) * width + box.xMin;
    for (let x = 0; x < boxWidth; x++) {
      const value = distance[paddedRow + x];
      if (value > bestValue && !(clicked && clicked[imageRow + x] !== 0)) {
        bestValue = value;
        bestIndex = imageRow + x;
      }
    }
  }
  return { value: bestValue, index: bestIndex };
}
