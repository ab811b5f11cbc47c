import { InvalidArgumentError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import type { Roi } from '../image/roi';

/**
 * What `ObjectState.toMask(threshold, into)` last wrote into a mask buffer, so that the next call clears only
 * that instead of the whole image: the runs of ones it wrote (`spans`: pairs of buffer indices, start inclusive,
 * end exclusive), or a box outside which it left zeros, or nothing (all zeros). Keyed weakly by the buffer, so a
 * buffer the caller drops is forgotten with it. Refreshing a reused mask then costs the object's outline and
 * area, not the image's size.
 */
export interface WrittenOnes {
  box: Roi | null;
  spans: Int32Array;
  spanCount: number;
}

const written = new WeakMap<Uint8Array, WrittenOnes>();

/**
 * Checks that `into` is a `widthPx` x `heightPx` mask and sets it to all zeros: by clearing what this module
 * recorded as written last when it knows the buffer, else the whole buffer. Returns the record to fill for the
 * next call ({@link recordSpan}, {@link recordBox}).
 */
export function clearReusedMask(into: BinaryMask, widthPx: number, heightPx: number): WrittenOnes {
  if (into === null || typeof into !== 'object' || !(into.data instanceof Uint8Array)) {
    throw new InvalidArgumentError('the mask to reuse must be a BinaryMask {width, height, data: Uint8Array}');
  }
  if (into.width !== widthPx || into.height !== heightPx || into.data.length !== widthPx * heightPx) {
    throw new InvalidArgumentError(
      `the mask to reuse is ${into.width} x ${into.height}, the image is ${widthPx} x ${heightPx}`,
    );
  }
  const data = into.data;
  let record = written.get(data);
  if (record === undefined) {
    data.fill(0);
    record = { box: null, spans: new Int32Array(64), spanCount: 0 };
    written.set(data, record);
  } else {
    const { box, spans, spanCount } = record;
    for (let k = 0; k < 2 * spanCount; k += 2) data.fill(0, spans[k], spans[k + 1]);
    if (box !== null) {
      for (let row = box.rowMin; row <= box.rowMax; row++)
        data.fill(0, row * widthPx + box.colMin, row * widthPx + box.colMax + 1);
    }
  }
  record.box = null;
  record.spanCount = 0;
  return record;
}

/** Records ones written at buffer indices `start <= i < end`. */
export function recordSpan(record: WrittenOnes, start: number, end: number): void {
  if (2 * record.spanCount + 2 > record.spans.length) {
    const grown = new Int32Array(2 * record.spans.length);
    grown.set(record.spans);
    record.spans = grown;
  }
  record.spans[2 * record.spanCount] = start;
  record.spans[2 * record.spanCount + 1] = end;
  record.spanCount++;
}

/** Records that ones were written (pixel by pixel) inside `box` only. */
export function recordBox(record: WrittenOnes, box: Roi | null): void {
  record.box = box === null ? null : { ...box };
}
