/** An image ready to segment and to show. */
export interface LoadedImage {
  /** File name without folders, for export file names. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /**
   * The decoded image, for drawing and for the model's session: the SDK's worker gets a copy of it (moved) and reads
   * its pixels itself, off the page's thread (reading 12 megapixels here would be a long task).
   */
  readonly bitmap: ImageBitmap;
  /**
   * RGBA pixels as a canvas gives them, read on the page's thread on first use (the main-thread session of
   * `?worker=0` needs them), then kept.
   */
  readPixels(): ImageData;
}

/** The example image shipped with the repository (drawn by examples/scripts/make-example-image.mjs). */
export const EXAMPLE_IMAGE_URL = 'examples/images/fruit.png';
/** Its ground-truth mask (fruit and leaf), for study mode. */
export const EXAMPLE_GROUND_TRUTH_URL = 'examples/images/fruit-mask.png';

/** Above this many pixels the demo refuses an image (the session keeps image-sized masks and label maps per object). */
const MAX_IMAGE_PIXELS = 40_000_000;

/**
 * Decodes an image file with the browser (EXIF orientation applied, as the SDK's Node decoder does) and reads
 * its RGB pixels; transparency is dropped.
 */
export async function loadImageFromBlob(blob: Blob, name: string): Promise<LoadedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new Error(`cannot decode "${name}" as an image (${(error as Error).message})`, { cause: error });
  }
  const { width, height } = bitmap;
  if (width * height > MAX_IMAGE_PIXELS) {
    bitmap.close();
    throw new Error(`"${name}" is ${width} x ${height}; the demo takes up to ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
  }
  let pixels: ImageData | undefined;
  const readPixels = () => {
    if (pixels === undefined) {
      const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (context === null) throw new Error('no 2D canvas context');
      context.drawImage(bitmap, 0, 0);
      pixels = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
    }
    return pixels;
  };
  return { name, width, height, bitmap, readPixels };
}

/** Fetches and decodes an image of the server. */
export async function loadImageFromUrl(url: string): Promise<LoadedImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return loadImageFromBlob(await response.blob(), url.slice(url.lastIndexOf('/') + 1));
}

/** The bytes of a file or URL (mask PNGs are decoded by the SDK, not the browser, to keep their exact values). */
export async function readBytes(source: Blob | string): Promise<Uint8Array> {
  if (typeof source === 'string') {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`cannot fetch ${source}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  return new Uint8Array(await source.arrayBuffer());
}
