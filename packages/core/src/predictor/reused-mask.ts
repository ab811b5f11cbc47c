import { InvalidArgumentError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from './roi';

/**
 * What `ObjectState.toMask(threshold, into)` last wrote into a mask buffer: the box outside which it left
 * zeros (`null`: all zeros). Keyed weakly by the buffer, so a buffer the caller drops is forgotten with it.
 * Knowing the box lets the next call clear just that box instead of the whole image: refreshing a reused mask
 * costs the size of the object's region, not of the image.
 */
const writtenBoxes = new WeakMap<Uint8Array, Roi | null>();

/**
 * Checks that `into` is a `widthPx` x `heightPx` mask and sets it to all zeros: by clearing the box this module
 * wrote last when it knows the buffer, else the whole buffer.
 */
export function clearReusedMask(into: BinaryMask, widthPx: number, heightPx: number): void {
  if (into === null || typeof into !== 'object' || !(into.data instanceof Uint8Array)) {
    throw new InvalidArgumentError('the mask to reuse must be a BinaryMask {width, height, data: Uint8Array}');
  }
  if (into.width !== widthPx || into.height !== heightPx || into.data.length !== widthPx * heightPx) {
    throw new InvalidArgumentError(`the mask to reuse is ${into.width} x ${into.height}, the image is ${widthPx} x ${heightPx}`);
  }
  const data = into.data;
  const box = writtenBoxes.get(data);
  if (box === undefined) {
    data.fill(0);
  } else if (box !== null) {
    for (let row = box.rowMin; row <= box.rowMax; row++) data.fill(0, row * widthPx + box.colMin, row * widthPx + box.colMax + 1);
  }
  writtenBoxes.set(data, null);
}

/** Records that ones were written into `data` inside `box` only (call after {@link clearReusedMask}). */
export function recordReusedMaskBox(data: Uint8Array, box: Roi | null): void {
  writtenBoxes.set(data, box === null ? null : { ...box });
}
