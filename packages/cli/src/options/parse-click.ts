import type { Click } from '@simpleclick/core';
import { InvalidArgumentError } from 'commander';

/** Words accepted as the third field of `--click x,y,<sign>`. */
const POSITIVE_WORDS = new Set(['pos', 'positive', 'p', '+', '1']);
const NEGATIVE_WORDS = new Set(['neg', 'negative', 'n', '-', '0']);

/** A decimal number as people type it: `12`, `12.5`, `-3`, `.5` (no hex, no exponent, no blanks). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses one `--click` value: `x,y` (a positive click) or `x,y,neg` (negative; also `n`, `-`, `0`, `negative`;
 * `pos`, `p`, `+`, `1`, `positive` say positive explicitly). `x` is the column and `y` the row in image pixels,
 * (0, 0) the top-left pixel; fractions are allowed. Whether the click lies inside the image is checked once the
 * image is decoded. Throws commander's InvalidArgumentError, which commander turns into a usage error naming the
 * option.
 */
export function parseClick(text: string): Click {
  const fields = text.split(',').map((field) => field.trim());
  if (fields.length < 2 || fields.length > 3) {
    throw new InvalidArgumentError('expected x,y or x,y,neg (pixels; x = column, y = row)');
  }
  const [xText, yText, signText] = fields;
  if (!DECIMAL.test(xText) || !DECIMAL.test(yText)) {
    throw new InvalidArgumentError(`x and y must be numbers in pixels, got "${xText}" and "${yText}"`);
  }
  let isPositive = true;
  if (signText !== undefined) {
    const sign = signText.toLowerCase();
    if (NEGATIVE_WORDS.has(sign)) isPositive = false;
    else if (!POSITIVE_WORDS.has(sign)) {
      throw new InvalidArgumentError(`the third field must be "neg" or "pos", got "${signText}"`);
    }
  }
  return { xPx: Number(xText), yPx: Number(yText), isPositive };
}

/** Commander accumulator for the repeatable `--click` option: keeps the clicks in command-line order. */
export function collectClick(text: string, previous: readonly Click[] = []): Click[] {
  return [...previous, parseClick(text)];
}

/** The click as it was typed, for messages: `120,80` or `120,80,neg`. */
export function formatClick(click: Click): string {
  return `${click.xPx},${click.yPx}${click.isPositive ? '' : ',neg'}`;
}
