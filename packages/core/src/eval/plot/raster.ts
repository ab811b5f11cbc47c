import { createRgbImage, type RgbImage } from '../../image/rgb-image';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphBitmap, textWidth } from './bitmap-font';

/** An sRGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * A minimal RGB drawing surface for plots: filled rectangles, thick lines, disks and bitmap text. Coordinates are
 * pixels with (0, 0) at the top-left; everything is clipped to the image. No anti-aliasing: plots stay crisp and
 * byte-for-byte reproducible.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.data.set(background, i * 3);
  }

  /** The pixels as an {@link RgbImage} (shares the buffer). */
  toImage(): RgbImage {
    return createRgbImage(this.width, this.height, this.data);
  }

  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.set(color, (y * this.width + x) * 3);
  }

  /** Fills the rectangle with corners (x0, y0) and (x1, y1), both inclusive, in any order. */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    const left = Math.max(0, Math.round(Math.min(x0, x1)));
    const right = Math.min(this.width - 1, Math.round(Math.max(x0, x1)));
    const top = Math.max(0, Math.round(Math.min(y0, y1)));
    const bottom = Math.min(this.height - 1, Math.round(Math.max(y0, y1)));
    for (let y = top; y <= bottom; y++) for (let x = left; x <= right; x++) this.data.set(color, (y * this.width + x) * 3);
  }

  /** Outline of a rectangle, `thickness` pixels inward. */
  strokeRect(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const t = thickness - 1;
    this.fillRect(x0, y0, x1, y0 + t, color);
    this.fillRect(x0, y1 - t, x1, y1, color);
    this.fillRect(x0, y0, x0 + t, y1, color);
    this.fillRect(x1 - t, y0, x1, y1, color);
  }

  /** A filled disk of radius `radius` (pixels whose centre is within the radius). */
  fillDisk(cx: number, cy: number, radius: number, color: Rgb): void {
    const r = Math.ceil(radius);
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (dx * dx + dy * dy <= radius * radius) this.setPixel(Math.round(cx) + dx, Math.round(cy) + dy, color);
      }
    }
  }

  /** A line of the given thickness: disks stamped along the segment at one-pixel steps. */
  drawLine(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const radius = (thickness - 1) / 2;
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      if (radius < 0.5) this.setPixel(Math.round(x), Math.round(y), color);
      else this.fillDisk(x, y, radius, color);
    }
  }

  /** Dashed horizontal or vertical helper line (grid). */
  drawDashedLine(x0: number, y0: number, x1: number, y1: number, color: Rgb, dashPx = 4, gapPx = 3): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    for (let start = 0; start < length; start += dashPx + gapPx) {
      const end = Math.min(length, start + dashPx);
      this.drawLine(
        x0 + ((x1 - x0) * start) / length,
        y0 + ((y1 - y0) * start) / length,
        x0 + ((x1 - x0) * end) / length,
        y0 + ((y1 - y0) * end) / length,
        color,
      );
    }
  }

  /**
   * Draws `text` with the built-in font, each font pixel `scale` x `scale` pixels, its top-left corner at (x, y).
   * `rotated` draws it bottom-to-top (a y-axis label), (x, y) then being the bottom-left corner.
   */
  drawText(text: string, x: number, y: number, color: Rgb, scale = 1, rotated = false): void {
    let cursor = 0;
    for (const character of text) {
      const glyph = glyphBitmap(character);
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (glyph[gy * GLYPH_WIDTH + gx] === 0) continue;
          const along = (cursor + gx) * scale;
          const across = gy * scale;
          if (rotated) this.fillRect(x + across, y - along - scale + 1, x + across + scale - 1, y - along, color);
          else this.fillRect(x + along, y + across, x + along + scale - 1, y + across + scale - 1, color);
        }
      }
      cursor += GLYPH_ADVANCE;
    }
  }
}

/** Width in pixels of `text` drawn at `scale`. */
export function textWidthPx(text: string, scale = 1): number {
  return textWidth(text) * scale;
}

/** Height in pixels of a line of text at `scale` (capitals and descenders). */
export function textHeightPx(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}
