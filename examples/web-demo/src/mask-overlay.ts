import type { LabelMap } from '@simpleclick/core/web';
import { objectRgb } from './object-colors';

/** Alpha of the current object's colour and of the others' (the opacity slider scales both). */
const CURRENT_OBJECT_ALPHA = 255;
const OTHER_OBJECT_ALPHA = 140;

/** An inclusive pixel box. */
interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Paints label maps into the mask canvas (image resolution), every object in its colour, the current one more
 * opaque. After the first drawing it repaints only the box where the label map changed since the last one (a
 * click changes its zoom-in region; on a 12-megapixel photo a full repaint is a 48 MB ImageData and 12 M pixel
 * writes on the page's thread per click). A pixel's colour depends only on its id and on which object is
 * current, so a change of the current object repaints everything.
 */
export class MaskOverlay {
  readonly #canvas: HTMLCanvasElement;
  #drawn: { readonly labels: LabelMap; readonly currentObjectId: number } | undefined;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
  }

  /** Forgets what was drawn (the canvas was cleared or resized). */
  reset(): void {
    this.#drawn = undefined;
  }

  draw(labels: LabelMap, currentObjectId: number): void {
    const previous = this.#drawn;
    this.#drawn = { labels, currentObjectId };
    const { width, height } = labels;
    let box: Box | undefined = { x0: 0, y0: 0, x1: width - 1, y1: height - 1 };
    if (
      previous !== undefined &&
      previous.currentObjectId === currentObjectId &&
      previous.labels.width === width &&
      previous.labels.height === height
    ) {
      box = changedBox(previous.labels.data, labels.data, width, height);
      if (box === undefined) return;
    }
    this.#paint(labels, currentObjectId, box);
  }

  #paint(labels: LabelMap, currentObjectId: number, box: Box): void {
    const { width, data } = labels;
    const boxWidth = box.x1 - box.x0 + 1;
    const boxHeight = box.y1 - box.y0 + 1;
    const context = this.#canvas.getContext('2d')!;
    const imageData = context.createImageData(boxWidth, boxHeight);
    const pixels = new Uint32Array(imageData.data.buffer);
    // A colour table indexed by id (ids are at most 65535): one typed-array read per pixel.
    const colorOf = new Uint32Array(Math.max(0, ...labels.objectIds) + 1);
    for (const id of labels.objectIds) {
      const [r, g, b] = objectRgb(id);
      const alpha = id === currentObjectId ? CURRENT_OBJECT_ALPHA : OTHER_OBJECT_ALPHA;
      // ImageData is RGBA in memory; a little-endian Uint32 view holds it as 0xAABBGGRR.
      colorOf[id] = ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
    }
    for (let y = 0, to = 0; y < boxHeight; y++) {
      const from = (box.y0 + y) * width + box.x0;
      for (let x = 0; x < boxWidth; x++, to++) {
        const id = data[from + x];
        if (id !== 0) pixels[to] = colorOf[id];
      }
    }
    // putImageData replaces the box's pixels, transparent ones included: what a full repaint would leave there.
    context.putImageData(imageData, box.x0, box.y0);
  }
}

/** The box of pixels that differ between two label maps of the same size, or undefined when none does. */
function changedBox(before: ArrayLike<number>, after: ArrayLike<number>, width: number, height: number): Box | undefined {
  let x0 = width;
  let x1 = -1;
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (before[row + x] !== after[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) {
      if (before[row + x] !== after[row + x]) {
        last = x;
        break;
      }
    }
    if (y0 < 0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return y0 < 0 ? undefined : { x0, y0, x1, y1 };
}
