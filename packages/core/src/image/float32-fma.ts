/**
 * `fmaf(a, b, c)`: `a * b + c` for float32 values with a single rounding to float32, as the C library and
 * FMA instructions compute it. PyTorch's CPU interpolation kernel is compiled with FMA contraction on AVX2
 * machines, so reproducing it bit for bit needs this.
 *
 * How: `a * b` is exact in float64 (24 + 24 significant bits). The float64 sum `s` may be rounded, and
 * rounding `s` again to float32 can then differ from rounding the exact sum once, but only when `s` lands
 * exactly halfway between two float32 values. That rare case is detected, and the exact remainder of the
 * sum (TwoSum) says which neighbour the exact value is closer to. Kept small so the JIT inlines it.
 */
export function fmaFloat32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const rounded = Math.fround(sum);
  // If `sum` is a midpoint, `other` is the float32 on its other side; otherwise it is no float32 at all
  // (or equals `rounded` when `sum` is a float32 itself).
  const other = 2 * sum - rounded;
  if (Math.fround(other) !== other || other === rounded) return rounded;
  return resolveMidpoint(product, c, sum, rounded, other);
}

function resolveMidpoint(product: number, c: number, sum: number, rounded: number, other: number): number {
  // TwoSum: product + c = sum + remainder exactly.
  const virtualC = sum - product;
  const remainder = product - (sum - virtualC) + (c - virtualC);
  if (remainder === 0) return rounded; // a true tie: fround already rounded it to even
  return remainder > 0 === other > rounded ? other : rounded;
}
