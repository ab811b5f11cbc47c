/**
 * The few pieces of Python string formatting the official results table uses, reproduced exactly so tables
 * can be compared character for character: `f'{x:.2f}'`, `f'{s:^9}'` and `str(timedelta(seconds=n))`.
 */

/**
 * Python's `format(x, '.<digits>f')`: correctly rounded, ties to even on the exact binary value (JavaScript's
 * `toFixed` rounds exact ties up: 1.125 -> "1.13" where Python gives "1.12"); NaN and infinities as Python
 * writes them.
 */
export function formatFixedLikePython(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const plain = value.toFixed(digits);
  // A tie needs the exact decimal expansion to end in 5 right after the kept digits. toFixed(100) gives the
  // exact expansion of any double with at most 100 fraction digits, which covers every value that can tie.
  const exact = Math.abs(value).toFixed(100);
  const fraction = exact.slice(exact.indexOf('.') + 1);
  const isTie = fraction[digits] === '5' && /^0*$/.test(fraction.slice(digits + 1));
  if (!isTie) return plain;
  // Python keeps the even neighbour: round the truncated value down when its last kept digit is even.
  const truncated = exact.slice(0, exact.indexOf('.') + (digits > 0 ? digits + 1 : 0));
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 === 0) {
    return (value < 0 ? '-' : '') + truncated;
  }
  return plain; // odd last digit: rounding away (what toFixed did) gives the even neighbour
}

/** Python's `format(s, '^<width>')`: centred, the extra space on the right. */
export function centerLikePython(text: string, width: number): string {
  const padding = Math.max(0, width - text.length);
  const left = Math.floor(padding / 2);
  return ' '.repeat(left) + text + ' '.repeat(padding - left);
}

/** Python's `str(datetime.timedelta(seconds=s))` for whole non-negative seconds: `H:MM:SS`, `1 day, H:MM:SS`. */
export function formatTimedeltaLikePython(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const hours = Math.floor(rest / 3600);
  const minutes = Math.floor((rest % 3600) / 60);
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  return days === 0 ? clock : `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}
