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
 * Paints label maps into the mask canvas, every object in its colour, the current one more opaque. The canvas may
 * be smaller than the image (see {@link displayCanvasSize}): each canvas pixel shows the label of the image pixel
 * under its centre (nearest), so a 12-megapixel photo costs a 2-megapixel pass per click, not a 12-megapixel one,
 * and the browser composites a 2-megapixel layer. What was shown is kept at canvas resolution; after the first
 * drawing only the box where it changed is repainted (a click changes its zoom-in region only). A pixel's colour
 * depends only on its id and on which object is current, so a change of the current object repaints everything.
 */
export class MaskOverlay {
  readonly #canvas: HTMLCanvasElement;
  /** The ids shown, one per canvas pixel, and what they were sampled for. */
  #shown:
    | { readonly ids: Uint16Array; readonly currentObjectId: number; readonly width: number; readonly height: number }
    | undefined;
  /** The image column of each canvas column and the image row of each canvas row (nearest). */
  #columns: Uint32Array = new Uint32Array(0);
  #rows: Uint32Array = new Uint32Array(0);
  /** A buffer for the next drawing's ids. */
  #spare: Uint16Array | undefined;
  /** The box sampled but not painted yet (see {@link draw}). */
  #pendingBox: Box | undefined;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
  }

  /** Forgets what was drawn (the canvas was cleared or resized). */
  reset(): void {
    this.#shown = undefined;
    this.#spare = undefined;
    this.#pendingBox = undefined;
  }

  /**
   * Draws a label map. The pass over the canvas (sampling and finding what changed) and the repaint of the
   * changed box run as two tasks of the page, so that neither holds the page's thread for long; resolves when
   * the canvas shows it.
   */
  async draw(labels: LabelMap, currentObjectId: number): Promise<void> {
    const canvasWidth = this.#canvas.width;
    const canvasHeight = this.#canvas.height;
    const previous = this.#shown;
    const sameGeometry = previous !== undefined && previous.width === labels.width && previous.height === labels.height;
    if (!sameGeometry || this.#columns.length !== canvasWidth || this.#rows.length !== canvasHeight) {
      this.#columns = nearestIndices(canvasWidth, labels.width);
      this.#rows = nearestIndices(canvasHeight, labels.height);
    }
    const comparable =
      sameGeometry &&
      previous.currentObjectId === currentObjectId &&
      previous.ids.length === canvasWidth * canvasHeight;
    const { ids, box } = this.#sample(labels, canvasWidth, canvasHeight, comparable ? previous.ids : undefined);
    // The ids shown before become the next drawing's buffer (no canvas-sized allocation per click).
    this.#spare = previous?.ids;
    this.#shown = { ids, currentObjectId, width: labels.width, height: labels.height };
    if (box === undefined) return;
    // What is not painted yet: a drawing that comes while this one waits compared its ids with this one's, so it
    // paints this one's box too (the union), and this one leaves the canvas to it.
    const pending = this.#pendingBox;
    this.#pendingBox =
      pending === undefined
        ? box
        : {
            x0: Math.min(pending.x0, box.x0),
            y0: Math.min(pending.y0, box.y0),
            x1: Math.max(pending.x1, box.x1),
            y1: Math.max(pending.y1, box.y1),
          };
    const drawn = this.#shown;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.#shown !== drawn || this.#pendingBox === undefined) return;
    const paintBox = this.#pendingBox;
    this.#pendingBox = undefined;
    this.#paint(ids, labels.objectIds, currentObjectId, canvasWidth, paintBox);
  }

  /**
   * The label of the image pixel under each canvas pixel's centre, and the box where it differs from `previous`
   * (all of the canvas without one; undefined when nothing changed): one pass over the canvas.
   */
  #sample(
    labels: LabelMap,
    canvasWidth: number,
    canvasHeight: number,
    previous: Uint16Array | undefined,
  ): { ids: Uint16Array; box: Box | undefined } {
    const size = canvasWidth * canvasHeight;
    const ids = this.#spare !== undefined && this.#spare.length === size ? this.#spare : new Uint16Array(size);
    const columns = this.#columns;
    const rows = this.#rows;
    const { data, width } = labels;
    if (previous === undefined) {
      for (let y = 0, to = 0; y < canvasHeight; y++) {
        const row = rows[y] * width;
        for (let x = 0; x < canvasWidth; x++, to++) ids[to] = data[row + columns[x]];
      }
      return { ids, box: { x0: 0, y0: 0, x1: canvasWidth - 1, y1: canvasHeight - 1 } };
    }
    let x0 = canvasWidth;
    let x1 = -1;
    let y0 = -1;
    let y1 = -1;
    for (let y = 0, to = 0; y < canvasHeight; y++) {
      const row = rows[y] * width;
      let first = -1;
      let last = -1;
      for (let x = 0; x < canvasWidth; x++, to++) {
        const id = data[row + columns[x]];
        ids[to] = id;
        if (id !== previous[to]) {
          if (first < 0) first = x;
          last = x;
        }
      }
      if (first < 0) continue;
      if (y0 < 0) y0 = y;
      y1 = y;
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
    }
    return { ids, box: y0 < 0 ? undefined : { x0, y0, x1, y1 } };
  }

  #paint(ids: Uint16Array, objectIds: readonly number[], currentObjectId: number, canvasWidth: number, box: Box): void {
    const boxWidth = box.x1 - box.x0 + 1;
    const boxHeight = box.y1 - box.y0 + 1;
    const context = this.#canvas.getContext('2d')!;
    const imageData = context.createImageData(boxWidth, boxHeight);
    const pixels = new Uint32Array(imageData.data.buffer);
    // A colour table indexed by id (ids are at most 65535): one typed-array read per pixel.
    const colorOf = new Uint32Array(Math.max(0, ...objectIds) + 1);
    for (const id of objectIds) {
      const [r, g, b] = objectRgb(id);
      const alpha = id === currentObjectId ? CURRENT_OBJECT_ALPHA : OTHER_OBJECT_ALPHA;
      // ImageData is RGBA in memory; a little-endian Uint32 view holds it as 0xAABBGGRR.
      colorOf[id] = ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
    }
    for (let y = 0, to = 0; y < boxHeight; y++) {
      const from = (box.y0 + y) * canvasWidth + box.x0;
      for (let x = 0; x < boxWidth; x++, to++) {
        const id = ids[from + x];
        if (id !== 0) pixels[to] = colorOf[id];
      }
    }
    // putImageData replaces the box's pixels, transparent ones included: what a full repaint would leave there.
    context.putImageData(imageData, box.x0, box.y0);
  }
}

/**
 * The canvas size to show a `width` x `height` image at: the image's own size up to `maxPixels`, else scaled down
 * (aspect ratio kept) to at most that many pixels. A fixed limit rather than the on-screen size, so that a drawing
 * depends only on the image and the masks, not on the window.
 */
export function displayCanvasSize(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/** For each of `count` output cells over `size` input cells, the input cell under the output cell's centre. */
function nearestIndices(count: number, size: number): Uint32Array {
  const indices = new Uint32Array(count);
  for (let i = 0; i < count; i++) indices[i] = Math.min(size - 1, Math.floor(((i + 0.5) * size) / count));
  return indices;
}
