import type { FloatMap } from './float-map';

/**
 * A {@link FloatMap} whose `data` is built on its first read (then kept): for results that carry a
 * full-size map most callers never look at, such as the probabilities of a click on a 2-megapixel image.
 * `data` is an own enumerable getter, so spreading or cloning the map copies real values.
 */
export class LazyFloatMap implements FloatMap {
  readonly width: number;
  readonly height: number;
  declare readonly data: Float32Array;

  /** `build` must return `width * height` values; it runs at most once. */
  constructor(width: number, height: number, build: () => Float32Array) {
    this.width = width;
    this.height = height;
    let data: Float32Array | undefined;
    Object.defineProperty(this, 'data', {
      enumerable: true,
      get: () => (data ??= build()),
    });
  }
}
