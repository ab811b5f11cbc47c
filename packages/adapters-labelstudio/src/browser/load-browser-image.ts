import type { ImageDataLike } from '@simpleclick/core/web';
import { LabelStudioPluginError } from './plugin-error';

/** How {@link decodeBrowserImage} downloads and decodes a task image. */
export interface BrowserImageLoadOptions {
  /** `fetch` options (e.g. `credentials: 'include'` for images behind the page's login). */
  readonly requestInit?: RequestInit;
  /** Largest image accepted, in pixels. */
  readonly maxImagePixels: number;
}

/**
 * Downloads an image and decodes it as the browser displays it: EXIF orientation applied (Label Studio's `<img>`
 * shows it so, and its percent coordinates refer to that), no colour-space conversion and no alpha
 * premultiplication, so the pixels are the file's own, as the ML backend decodes them. The decoded bitmap is not
 * read here: the SDK's worker reads it itself (see {@link readBitmapPixels} for the page's thread).
 *
 * @throws LabelStudioPluginError `IMAGE_LOAD` when the download fails or the bytes are not an image the
 *   browser decodes, `IMAGE_TOO_LARGE` above `maxImagePixels`.
 */
export async function decodeBrowserImage(url: string, options: BrowserImageLoadOptions): Promise<ImageBitmap> {
  let blob: Blob;
  try {
    const response = await fetch(url, options.requestInit);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    blob = await response.blob();
  } catch (error) {
    throw new LabelStudioPluginError(
      'IMAGE_LOAD',
      `cannot download the task image ${withoutQuery(url)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (error) {
    throw new LabelStudioPluginError(
      'IMAGE_LOAD',
      `the task image ${withoutQuery(url)} cannot be decoded: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const { width, height } = bitmap;
  if (width * height > options.maxImagePixels) {
    bitmap.close();
    throw new LabelStudioPluginError(
      'IMAGE_TOO_LARGE',
      `the task image is ${width} x ${height} pixels, more than the limit of ${options.maxImagePixels}`,
    );
  }
  return bitmap;
}

/**
 * The RGBA pixels of a decoded image, read on this thread (drawImage into a canvas, getImageData: image-sized
 * work), and the bitmap closed. The session drops the alpha.
 */
export function readBitmapPixels(bitmap: ImageBitmap): ImageDataLike {
  try {
    const { width, height } = bitmap;
    const context = createCanvasContext(width, height);
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, width, height);
  } finally {
    bitmap.close();
  }
}

/** A 2D context to read pixels back from: an OffscreenCanvas where there is one, else a detached canvas. */
function createCanvasContext(
  width: number,
  height: number,
): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  const context =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })
      : Object.assign(document.createElement('canvas'), { width, height }).getContext('2d', {
          willReadFrequently: true,
        });
  if (context === null)
    throw new LabelStudioPluginError('IMAGE_LOAD', 'this browser gives no 2D canvas to decode the image');
  return context;
}

/** The URL without its query string, which may hold presigned credentials (kept out of messages). */
function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return url.startsWith('data:') ? `${url.slice(0, 30)}...` : query < 0 ? url : `${url.slice(0, query)}?...`;
}
