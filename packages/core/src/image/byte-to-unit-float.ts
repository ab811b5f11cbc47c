/**
 * The float32 value of `byte / 255` for every byte 0..255: what torchvision's `ToTensor` produces (it divides
 * a float32 tensor by 255, so each value is the float32 division, correctly rounded). `Math.fround(v / 255)`
 * gives the same value because a double division rounded to float32 equals the float32 division.
 *
 * Stored as float64 holding those float32 values exactly, so hot loops read it without a conversion.
 */
export const BYTE_TO_UNIT_FLOAT: Float64Array = (() => {
  const table = new Float64Array(256);
  for (let value = 0; value < 256; value++) table[value] = Math.fround(value / 255);
  return table;
})();
