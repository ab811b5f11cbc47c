import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collectClick, formatClick, parseClick } from './parse-click';
import { areaPx, integerAtLeast, numberInRange } from './parse-number';

describe('parseClick', () => {
  it('reads x,y as a positive click (x = column, y = row)', () => {
    expect(parseClick('120,80')).toEqual({ xPx: 120, yPx: 80, isPositive: true });
    expect(parseClick(' 12.5 , 3 ')).toEqual({ xPx: 12.5, yPx: 3, isPositive: true });
  });

  it('reads the sign words', () => {
    for (const word of ['neg', 'NEG', 'negative', 'n', '-', '0'])
      expect(parseClick(`1,2,${word}`).isPositive).toBe(false);
    for (const word of ['pos', 'positive', 'p', '+', '1']) expect(parseClick(`1,2,${word}`).isPositive).toBe(true);
  });

  it.each(['', '1', '1,2,3,4', 'a,2', '1,b', '1e3,2', '0x10,2', '1,,2', '1,2,maybe', 'NaN,1', 'Infinity,2'])(
    'refuses %j with commander InvalidArgumentError',
    (text) => {
      expect(() => parseClick(text)).toThrow(InvalidArgumentError);
    },
  );

  it('keeps clicks in command-line order and formats them back', () => {
    const clicks = collectClick('5,6,neg', collectClick('1,2'));
    expect(clicks).toEqual([
      { xPx: 1, yPx: 2, isPositive: true },
      { xPx: 5, yPx: 6, isPositive: false },
    ]);
    expect(clicks.map(formatClick)).toEqual(['1,2', '5,6,neg']);
  });
});

describe('number options', () => {
  it('integerAtLeast accepts integers from the minimum and nothing else', () => {
    const parse = integerAtLeast(1);
    expect(parse('20')).toBe(20);
    expect(parse(' 1 ')).toBe(1);
    for (const bad of ['0', '-3', '2.5', 'x', '', '1e2', '99999999999999999999']) {
      expect(() => parse(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('numberInRange checks the range', () => {
    const parse = numberInRange(0, 1);
    expect(parse('0.49')).toBe(0.49);
    expect(parse('1')).toBe(1);
    for (const bad of ['1.01', '-0.1', 'half', '']) expect(() => parse(bad), bad).toThrow(InvalidArgumentError);
  });

  it('areaPx reads pixels or "all"', () => {
    expect(areaPx('150')).toBe(150);
    expect(areaPx('0')).toBe(0);
    expect(areaPx('all')).toBe(Infinity);
    for (const bad of ['-1', '1.5', 'some']) expect(() => areaPx(bad), bad).toThrow(InvalidArgumentError);
  });
});
