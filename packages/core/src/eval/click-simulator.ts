import type { Click } from '../clicks/click';
import type { BinaryMask } from '../mask/binary-mask';
import { assertMaskSize } from '../mask/assert-mask';
import { findNextClick } from './next-click';

/**
 * The automatic user of the official evaluation (RITM/SimpleClick `Clicker`): it knows the ground truth, looks at
 * each prediction and adds the next click with {@link findNextClick}, remembering where it already clicked.
 *
 * @example
 * ```ts
 * const simulator = ClickSimulator.create(gt, ignore);
 * let prediction = createBinaryMask(gt.width, gt.height); // empty before the first click
 * for (let k = 0; k < 20; k++) {
 *   simulator.addNextClick(prediction);
 *   prediction = await segment(simulator.clicks);
 * }
 * ```
 */
export class ClickSimulator {
  private readonly clickList: Click[] = [];
  private readonly clickedPixels: Uint8Array;

  private constructor(
    private readonly gt: BinaryMask,
    private readonly ignore: BinaryMask | undefined,
  ) {
    this.clickedPixels = new Uint8Array(gt.width * gt.height);
  }

  /**
   * @param gt - ground truth, 1 = object.
   * @param ignore - optional, 1 = pixel excluded from the error regions (same size as `gt`).
   * @throws InvalidMaskError when the masks are malformed or their sizes differ.
   */
  static create(gt: BinaryMask, ignore?: BinaryMask): ClickSimulator {
    assertMaskSize(gt, gt.width, gt.height, 'ground truth');
    if (ignore) assertMaskSize(ignore, gt.width, gt.height, 'ignore mask');
    return new ClickSimulator(gt, ignore);
  }

  /** The clicks so far, oldest first. */
  get clicks(): readonly Click[] {
    return this.clickList;
  }

  /**
   * Computes the next click for `prediction`, records it and returns it.
   * @throws InvalidMaskError when `prediction` does not have the ground truth's size.
   */
  addNextClick(prediction: BinaryMask): Click {
    const click = findNextClick({
      gt: this.gt,
      prediction,
      ignore: this.ignore,
      clicked: this.clickedPixels,
    });
    this.clickList.push(click);
    this.clickedPixels[click.yPx * this.gt.width + click.xPx] = 1;
    return click;
  }

  /** Forgets all clicks (the ground truth stays). */
  reset(): void {
    this.clickList.length = 0;
    this.clickedPixels.fill(0);
  }
}
