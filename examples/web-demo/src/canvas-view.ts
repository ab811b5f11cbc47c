import type { LabelMap, SessionObjectSummary } from '@simpleclick/core/web';
import { displayCanvasSize, MaskOverlay } from './mask-overlay';
/** Click marker radius in screen pixels, whatever the image's size and zoom. */
const MARKER_RADIUS_SCREEN_PX = 8;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Small images are shown enlarged up to this factor, to make precise clicks easier. */
const MAX_DISPLAY_SCALE = 4;
/** Space kept below the image for the status line, in screen pixels. */
const SPACE_BELOW_IMAGE_PX = 90;
/**
 * Most pixels of the image and mask canvases: the screen's (in device pixels), within 1 to 4 megapixels; a larger
 * image is shown scaled down, as it would be on screen anyway. At image resolution a 12-megapixel photo made every
 * click repaint and composite 48 MB canvases on the page's thread: hundreds of milliseconds per click on the
 * development VM. The screen, not the layout, sets it, so that a drawing does not change with the window.
 */
function maxCanvasPixels(): number {
  const ratio = window.devicePixelRatio || 1;
  return Math.min(4_000_000, Math.max(1_000_000, Math.round(screen.width * screen.height * ratio * ratio)));
}

/** The page elements of the image stage (index.html). */
export interface StageElements {
  /** The area the image is fitted into. */
  readonly dropZone: HTMLElement;
  /** The box holding the three layers, sized to the displayed image. */
  readonly stage: HTMLElement;
  readonly imageCanvas: HTMLCanvasElement;
  readonly maskCanvas: HTMLCanvasElement;
  readonly clickLayer: SVGSVGElement;
}

/**
 * The image with the objects' masks and clicks on top: three layers of the same displayed size (image canvas and
 * mask canvas at the image's resolution up to the screen's pixels ({@link maxCanvasPixels}), scaled down beyond; an SVG in image
 * pixels for the click markers, so they keep their size when the image is scaled to fit).
 */
export class CanvasView {
  readonly #elements: StageElements;
  readonly #overlay: MaskOverlay;
  #widthPx = 0;
  #heightPx = 0;
  #lastClicks: { objects: readonly SessionObjectSummary[]; currentObjectId: number } | undefined;
  /** Images shown so far: a scaled copy that arrives after a newer image was shown is dropped. */
  #shownImages = 0;

  constructor(elements: StageElements) {
    this.#elements = elements;
    this.#overlay = new MaskOverlay(elements.maskCanvas);
    // Markers are drawn in image pixels: redraw them when the displayed size changes.
    new ResizeObserver(() => this.#redrawClicks()).observe(elements.stage);
    // Refit when the window or anything above the image (a banner) changes size; fitting is idempotent.
    new ResizeObserver(() => this.#fitToContainer()).observe(document.body);
    window.addEventListener('resize', () => this.#fitToContainer());
  }

  /**
   * Shows a new image and clears masks and clicks. A large image is drawn from a scaled copy made by
   * `createImageBitmap` (asynchronously, not by a drawImage of 12 megapixels on the page's thread); the promise
   * resolves once it is drawn.
   */
  async showImage(bitmap: ImageBitmap): Promise<void> {
    const { imageCanvas, maskCanvas, clickLayer } = this.#elements;
    const shown = ++this.#shownImages;
    this.#widthPx = bitmap.width;
    this.#heightPx = bitmap.height;
    const size = displayCanvasSize(bitmap.width, bitmap.height, maxCanvasPixels());
    for (const canvas of [imageCanvas, maskCanvas]) {
      canvas.width = size.width;
      canvas.height = size.height;
    }
    maskCanvas.getContext('2d')!.clearRect(0, 0, size.width, size.height);
    this.#overlay.reset();
    clickLayer.setAttribute('viewBox', `0 0 ${bitmap.width} ${bitmap.height}`);
    clickLayer.replaceChildren();
    this.#lastClicks = undefined;
    this.#fitToContainer();
    if (size.width === bitmap.width && size.height === bitmap.height) {
      imageCanvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      return;
    }
    const scaled = await createImageBitmap(bitmap, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });
    if (shown === this.#shownImages) imageCanvas.getContext('2d')!.drawImage(scaled, 0, 0);
    scaled.close();
  }

  /** Draws every object of the label map in its colour, the current object more opaque (only what changed). */
  drawMasks(labelMap: LabelMap, currentObjectId: number): Promise<void> {
    return this.#overlay.draw(labelMap, currentObjectId);
  }

  /** Draws the click markers: the current object's in full, the other objects' faded. */
  drawClicks(objects: readonly SessionObjectSummary[], currentObjectId: number): void {
    this.#lastClicks = { objects, currentObjectId };
    this.#redrawClicks();
  }

  /**
   * The image pixel under a mouse event (column and row indices), or undefined outside the image. A click is
   * given at the pixel's index, as the official click simulator gives them.
   */
  imagePixelAt(event: MouseEvent): { xPx: number; yPx: number } | undefined {
    if (this.#widthPx === 0) return undefined;
    const rect = this.#elements.clickLayer.getBoundingClientRect();
    const xPx = Math.floor(((event.clientX - rect.left) / rect.width) * this.#widthPx);
    const yPx = Math.floor(((event.clientY - rect.top) / rect.height) * this.#heightPx);
    if (xPx < 0 || yPx < 0 || xPx >= this.#widthPx || yPx >= this.#heightPx) return undefined;
    return { xPx, yPx };
  }

  /** Scales the displayed image to the available width and the window's height, keeping its aspect ratio. */
  #fitToContainer(): void {
    if (this.#widthPx === 0) return;
    const { dropZone, stage } = this.#elements;
    const style = getComputedStyle(dropZone);
    const availableWidth = dropZone.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const availableHeight = Math.max(
      200,
      window.innerHeight - dropZone.getBoundingClientRect().top - SPACE_BELOW_IMAGE_PX,
    );
    const scale = Math.min(availableWidth / this.#widthPx, availableHeight / this.#heightPx, MAX_DISPLAY_SCALE);
    if (!(scale > 0)) return;
    stage.style.width = `${Math.floor(this.#widthPx * scale)}px`;
    stage.style.height = `${Math.floor(this.#heightPx * scale)}px`;
  }

  #redrawClicks(): void {
    const layer = this.#elements.clickLayer;
    layer.replaceChildren();
    if (this.#lastClicks === undefined || this.#widthPx === 0) return;
    const displayedWidth = layer.getBoundingClientRect().width || this.#widthPx;
    const screenToImage = this.#widthPx / displayedWidth;
    const radius = MARKER_RADIUS_SCREEN_PX * screenToImage;
    const { objects, currentObjectId } = this.#lastClicks;
    for (const object of objects) {
      const isCurrent = object.id === currentObjectId;
      object.clicks.forEach((click, index) => {
        const marker = document.createElementNS(SVG_NS, 'g');
        marker.setAttribute(
          'class',
          `click ${click.isPositive ? 'positive' : 'negative'}${isCurrent ? ' current' : ''}`,
        );
        marker.setAttribute('transform', `translate(${click.xPx + 0.5} ${click.yPx + 0.5})`);
        const circle = document.createElementNS(SVG_NS, 'circle');
        circle.setAttribute('r', String(isCurrent ? radius : radius * 0.7));
        circle.setAttribute('stroke-width', String(1.5 * screenToImage));
        const sign = document.createElementNS(SVG_NS, 'path');
        const arm = radius * (isCurrent ? 0.55 : 0.4);
        sign.setAttribute('d', click.isPositive ? `M${-arm} 0H${arm}M0 ${-arm}V${arm}` : `M${-arm} 0H${arm}`);
        sign.setAttribute('stroke-width', String(2 * screenToImage));
        const title = document.createElementNS(SVG_NS, 'title');
        const kind = click.isPositive ? 'positive' : 'negative';
        title.textContent = `object ${object.id}, click ${index + 1}: ${kind} at (${click.xPx}, ${click.yPx})`;
        marker.append(circle, sign, title);
        layer.append(marker);
      });
    }
  }
}
