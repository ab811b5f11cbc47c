/**
 * float32 -> float16 exactly as numpy's `astype(np.float16)` (round to nearest, ties to even; overflow to
 * infinity; subnormals rounded the same way), which the Python exporter uses for `--fp16`.
 */

const SCRATCH = new Float32Array(1);
const SCRATCH_BITS = new Uint32Array(SCRATCH.buffer);

/** The float16 bits of the float32 `value`. */
export function float32ToFloat16Bits(value: number): number {
  SCRATCH[0] = value;
  const bits = SCRATCH_BITS[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    // Infinity keeps no mantissa; NaN stays a (quiet) NaN with the top mantissa bits.
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7c00 | 0x200 | (mantissa >>> 13);
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // below half the smallest subnormal: zero
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++; // a carry rounds up to inf correctly
  return sign | half;
}

/** Whether float16 `bits` are finite. */
export function isFiniteFloat16(bits: number): boolean {
  return (bits & 0x7c00) !== 0x7c00;
}
