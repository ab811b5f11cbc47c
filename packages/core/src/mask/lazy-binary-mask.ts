import type { BinaryMask } from './binary-mask';

/**
 * A {@link BinaryMask} whose `data` is built on its first read (then kept): for a session state's mask, which
 * every operation produces at full image size and many callers never read (a label map, a snapshot or the
 * `prediction` event's own drawing may be all they use). `data` is an own enumerable getter, so spreading,
 * JSON or structured cloning of the mask copies real values (as `LazyFloatMap` does).
 */
export class LazyBinaryMask implements BinaryMask {
  readonly width: number;
  readonly height: number;
  declare readonly data: Uint8Array;

  /** `build` must return `width * height` values; it runs at most once. */
  constructor(width: number, height: number, build: () => Uint8Array) {
    this.width = width;
    this.height = height;
    let data: Uint8Array | undefined;
    Object.defineProperty(this, 'data', {
      enumerable: true,
      get: () => (data ??= build()),
    });
  }
}
