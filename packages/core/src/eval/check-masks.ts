import { InvalidMaskError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';

/** Throws {@link InvalidMaskError} unless `mask` is a well-formed mask of `width` x `height`. */
export function assertMaskSize(mask: BinaryMask, width: number, height: number, what: string): void {
  if (mask.width !== width || mask.height !== height) {
    throw new InvalidMaskError(`${what} is ${mask.width} x ${mask.height}, expected ${width} x ${height}`);
  }
  if (mask.data.length !== width * height) {
    throw new InvalidMaskError(`${what} has ${mask.data.length} pixels, expected ${width * height}`);
  }
}
