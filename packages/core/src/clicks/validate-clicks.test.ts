import { describe, expect, it } from 'vitest';
import { InvalidClickError } from '../errors';
import type { Click } from './click';
import { checkedClick, checkedClicks } from './validate-clicks';

describe('checkedClicks', () => {
  it('accepts clicks inside the image, fractional ones too', () => {
    expect(() =>
      checkedClicks(
        [
          { xPx: 0, yPx: 0, isPositive: true },
          { xPx: 9.99, yPx: 4.5, isPositive: false },
        ],
        10,
        5,
      ),
    ).not.toThrow();
  });

  it.each([
    [{ xPx: Number.NaN, yPx: 1, isPositive: true }, /non-finite/],
    [{ xPx: 1, yPx: Number.POSITIVE_INFINITY, isPositive: true }, /non-finite/],
    [{ xPx: 10, yPx: 1, isPositive: true }, /outside/],
    [{ xPx: 1, yPx: 5, isPositive: true }, /outside/],
    [{ xPx: -0.01, yPx: 1, isPositive: true }, /outside/],
    [{ xPx: 1, yPx: 1, isPositive: 1 as unknown as boolean }, /isPositive/],
    [{ xPx: '1' as unknown as number, yPx: 1, isPositive: true }, /non-finite/],
  ])('rejects %o', (click, message) => {
    expect(() => checkedClicks([{ xPx: 1, yPx: 1, isPositive: true }, click as Click], 10, 5)).toThrow(
      InvalidClickError,
    );
    expect(() => checkedClicks([click as Click], 10, 5)).toThrow(message);
  });

  it('names the bad click', () => {
    expect(() =>
      checkedClicks(
        [
          { xPx: 1, yPx: 1, isPositive: true },
          { xPx: 1, yPx: 99, isPositive: true },
        ],
        10,
        5,
      ),
    ).toThrow(/click 1/);
  });

  it('returns frozen copies, and a checked click as it is for the same image size (one check, one copy)', () => {
    const original: Click = { xPx: 1, yPx: 2, isPositive: true };
    const [copy] = checkedClicks([original], 10, 5);
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(checkedClick(copy, 10, 5)).toBe(copy);
    expect(checkedClicks([copy], 10, 5)[0]).toBe(copy);
    // Another image size checks it again.
    expect(() => checkedClick(copy, 2, 2)).toThrow(/outside/);
  });

  it('returns a frozen list of checked clicks as it is, and copies any other list', () => {
    const checked = checkedClicks([{ xPx: 1, yPx: 2, isPositive: true }], 10, 5);
    const list = Object.freeze([...checked, checkedClick({ xPx: 3, yPx: 4, isPositive: false }, 10, 5)]);
    expect(checkedClicks(list, 10, 5)).toBe(list);
    const unfrozen = [...list];
    const copied = checkedClicks(unfrozen, 10, 5);
    expect(copied).not.toBe(unfrozen);
    expect(copied).toEqual(list);
    expect(Object.isFrozen(copied)).toBe(true);
    // A frozen list holding an unchecked click, or checked for another size, is checked (and copied) again.
    const mixed = Object.freeze([...checked, { xPx: 3, yPx: 4, isPositive: false }]);
    expect(checkedClicks(mixed, 10, 5)).not.toBe(mixed);
    expect(() => checkedClicks(list, 2, 2)).toThrow(/outside/);
  });
});
