/**
 * A `width` x `height` plane whose `data` is built on its first read (then kept): for full-size results that most
 * callers never look at. `data` is an own enumerable getter, so spreading, JSON or structured cloning copies real
 * values. `LazyFloatMap` and `LazyBinaryMask` are its two kinds.
 */
export class LazyPlane<Data> {
  readonly width: number;
  readonly height: number;
  declare readonly data: Data;

  /** `build` must return `width * height` values; it runs at most once. */
  constructor(width: number, height: number, build: () => Data) {
    this.width = width;
    this.height = height;
    let data: Data | undefined;
    Object.defineProperty(this, 'data', {
      enumerable: true,
      get: () => (data ??= build()),
    });
  }
}
