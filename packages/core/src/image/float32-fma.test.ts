import { describe, expect, it } from 'vitest';
import { fmaFloat32 } from './float32-fma';

/** Exact value of a finite double as numerator * 2^exponent (BigInt numerator). */
function exact(value: number): { numerator: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biasedExponent === 0) return { numerator: sign * fraction, exponent: -1074 };
  return { numerator: sign * (fraction | (1n << 52n)), exponent: biasedExponent - 1075 };
}

/** Reference: the exact a*b+c rounded once to float32 (ties to even), by integer arithmetic. */
function referenceFmaf(a: number, b: number, c: number): number {
  const ea = exact(a);
  const eb = exact(b);
  const ec = exact(c);
  const productExponent = ea.exponent + eb.exponent;
  const base = Math.min(productExponent, ec.exponent);
  const total =
    ea.numerator * eb.numerator * (1n << BigInt(productExponent - base)) +
    ec.numerator * (1n << BigInt(ec.exponent - base));
  if (total === 0n) return 0;
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  let exponent = base;
  // Keep 24 significant bits (normal float32 range only: the test values stay there).
  const bitLength = magnitude.toString(2).length;
  const drop = bitLength - 24;
  if (drop > 0) {
    const unit = 1n << BigInt(drop);
    const kept = magnitude >> BigInt(drop);
    const rest = magnitude - kept * unit;
    const half = unit >> 1n;
    let roundedKept = kept;
    if (rest > half || (rest === half && (kept & 1n) === 1n)) roundedKept += 1n;
    magnitude = roundedKept;
    exponent += drop;
  }
  const value = Number(magnitude) * 2 ** exponent;
  return negative ? -value : value;
}

describe('fmaFloat32', () => {
  it('matches a single rounding of the exact a*b+c on random float32 values', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 20000; i++) {
      const a = Math.fround(random());
      const b = Math.fround(random());
      const c = Math.fround((random() - 0.5) * 2 ** Math.floor(random() * 60 - 30));
      expect(fmaFloat32(a, b, c)).toBe(referenceFmaf(a, b, c));
    }
  });

  it('resolves sums whose float64 rounding lands on a float32 midpoint', () => {
    // a*b is just below 2^-24, so the float64 sum with c = 1 + 2^-23 rounds to the float32 midpoint
    // 1 + 3 * 2^-24; rounding that again would go to the even neighbour 1 + 2^-22, the exact sum is below it.
    const a = Math.fround(1 + 2 ** -23);
    const b = Math.fround(5.960463766996327e-8);
    const c = Math.fround(1 + 2 ** -23);
    expect(a * b + c).toBe(1 + 3 * 2 ** -24);
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(referenceFmaf(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaFloat32(a, b, c)).toBe(1 + 2 ** -23);
    // An exact tie goes to even.
    expect(fmaFloat32(1, Math.fround(2 ** -24), 1)).toBe(1);
    expect(fmaFloat32(3, Math.fround(2 ** -24), 1)).toBe(1 + 2 ** -22);
  });
});
