import { InvalidArgumentError, InvalidMaskError } from '../errors';
import type { FloatMap } from '../image/float-map';
import type { BinaryMask } from './binary-mask';

/**
 * Throws {@link InvalidMaskError} unless `mask` has integer, non-negative `width` and `height` and a `Uint8Array`
 * of exactly `width * height` pixels. Pixel values are not scanned: the mask functions treat any non-zero byte as
 * foreground, so a 0/255 mask works too.
 */
export function assertBinaryMask(mask: BinaryMask, what = 'mask'): void {
  if (mask === null || typeof mask !== 'object') {
    throw new InvalidMaskError(`${what} must be a BinaryMask object`);
  }
  const { width, height, data } = mask;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new InvalidMaskError(`${what} size must be non-negative integers, got ${width} x ${height}`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new InvalidMaskError(`${what}.data must be a Uint8Array`);
  }
  if (data.length !== width * height) {
    throw new InvalidMaskError(`${what} has ${data.length} pixels, expected ${width} x ${height} = ${width * height}`);
  }
}

/** Throws {@link InvalidMaskError} unless `map` is a well-formed {@link FloatMap}. */
export function assertFloatMap(map: FloatMap, what = 'probability map'): void {
  if (map === null || typeof map !== 'object') {
    throw new InvalidMaskError(`${what} must be a FloatMap object`);
  }
  const { width, height, data } = map;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new InvalidMaskError(`${what} size must be non-negative integers, got ${width} x ${height}`);
  }
  if (!(data instanceof Float32Array)) {
    throw new InvalidMaskError(`${what}.data must be a Float32Array`);
  }
  if (data.length !== width * height) {
    throw new InvalidMaskError(`${what} has ${data.length} values, expected ${width} x ${height} = ${width * height}`);
  }
}

/** Throws {@link InvalidArgumentError} unless `value` is a non-negative integer (or `Infinity` when allowed). */
export function assertAreaPx(value: number, name: string, allowInfinity: boolean): void {
  const ok = allowInfinity && value === Infinity ? true : Number.isInteger(value) && value >= 0;
  if (!ok) {
    throw new InvalidArgumentError(
      `${name} must be a non-negative integer${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`,
    );
  }
}

/** Throws {@link InvalidMaskError} unless `mask` is a well-formed mask of `width` x `height`. */
export function assertMaskSize(mask: BinaryMask, width: number, height: number, what: string): void {
  if (mask.width !== width || mask.height !== height) {
    throw new InvalidMaskError(`${what} is ${mask.width} x ${mask.height}, expected ${width} x ${height}`);
  }
  if (mask.data.length !== width * height) {
    throw new InvalidMaskError(`${what} has ${mask.data.length} pixels, expected ${width * height}`);
  }
}
