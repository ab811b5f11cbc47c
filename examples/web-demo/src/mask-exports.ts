import {
  cocoRleArea,
  cocoRleBbox,
  encodeCocoRle,
  encodeLabelStudioBrushRle,
  encodeMaskPng,
  maskToPolygons,
} from '@simpleclick/core/formats';
import { maskAreaPx, type BinaryMask } from '@simpleclick/core/web';

/** One object's mask, as exported. */
export interface ObjectMask {
  readonly id: number;
  readonly mask: BinaryMask;
}

/** A file to download. */
export interface ExportFile {
  readonly fileName: string;
  readonly mimeType: string;
  readonly content: Uint8Array | string;
}

/** Label Studio names of the demo's exports: those of Label Studio's interactive segmentation templates. */
const LABEL_STUDIO_NAMES = Object.freeze({ fromName: 'tag', toName: 'image', label: 'Object' });

/** The file name stem of an image name ("fruit.png" -> "fruit"). */
function stem(imageName: string): string {
  const dot = imageName.lastIndexOf('.');
  return (dot > 0 ? imageName.slice(0, dot) : imageName) || 'image';
}

/** One object's mask as an 8-bit grayscale PNG (255 object, 0 background), the same size as the image. */
export function maskPngFile(imageName: string, object: ObjectMask): ExportFile {
  return {
    fileName: `${stem(imageName)}-object${object.id}-mask.png`,
    mimeType: 'image/png',
    content: encodeMaskPng(object.mask),
  };
}

/**
 * Every object's polygons (one per connected part, holes kept), in pixels of the pixel-corner frame: `[0, 0]` is
 * the image's top-left corner. `epsilonPx` > 0 simplifies the outlines (Douglas-Peucker); 0 keeps them exact.
 */
export function polygonsFile(
  imageName: string,
  width: number,
  height: number,
  objects: readonly ObjectMask[],
  epsilonPx: number,
): ExportFile {
  const document = {
    image: imageName,
    width,
    height,
    units: 'px',
    epsilonPx,
    objects: objects.map(({ id, mask }) => ({ id, polygons: maskToPolygons(mask, { epsilonPx }) })),
  };
  return {
    fileName: `${stem(imageName)}-polygons.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(document)}\n`,
  };
}

/**
 * A COCO annotation file with one image and one annotation per object, masks as compressed RLE (pycocotools'
 * `counts` string): `pycocotools.mask.decode(annotation['segmentation'])` gives the mask back.
 */
export function cocoFile(imageName: string, width: number, height: number, objects: readonly ObjectMask[]): ExportFile {
  const annotations = objects.map(({ id, mask }) => {
    const segmentation = encodeCocoRle(mask);
    return {
      id,
      image_id: 1,
      category_id: 1,
      segmentation,
      area: cocoRleArea(segmentation),
      bbox: cocoRleBbox(segmentation),
      iscrowd: 0,
    };
  });
  const document = {
    info: { description: 'SimpleClick web demo export' },
    images: [{ id: 1, file_name: imageName, width, height }],
    categories: [{ id: 1, name: 'object' }],
    annotations,
  };
  return {
    fileName: `${stem(imageName)}-coco.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(document)}\n`,
  };
}

/**
 * A Label Studio prediction (`{model_version, result}`, what an ML backend returns and what a task's
 * `predictions` hold) with one `brushlabels` region per object, in Label Studio's brush RLE.
 */
export function labelStudioFile(
  imageName: string,
  width: number,
  height: number,
  objects: readonly ObjectMask[],
  modelVersion: string,
): ExportFile {
  const result = objects.map(({ id, mask }) => ({
    id: `simpleclick-${id}`,
    type: 'brushlabels',
    from_name: LABEL_STUDIO_NAMES.fromName,
    to_name: LABEL_STUDIO_NAMES.toName,
    original_width: width,
    original_height: height,
    image_rotation: 0,
    value: { format: 'rle', rle: encodeLabelStudioBrushRle(mask), brushlabels: [LABEL_STUDIO_NAMES.label] },
  }));
  const document = { model_version: modelVersion, result };
  return {
    fileName: `${stem(imageName)}-labelstudio.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(document)}\n`,
  };
}

/** The objects whose masks are not empty. */
export function nonEmptyObjects(objects: readonly ObjectMask[]): ObjectMask[] {
  return objects.filter(({ mask }) => maskAreaPx(mask) > 0);
}

/** Offers a file for download. */
export function downloadFile(file: ExportFile): void {
  const blob = new Blob([file.content as BlobPart], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; free it a little later (Firefox needs the delay).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
