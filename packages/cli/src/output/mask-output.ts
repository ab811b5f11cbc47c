import type { BinaryMask } from '@simpleclick/core';
import {
  brushRegion,
  DEFAULT_LABEL_STUDIO_NAMES,
  encodeCocoRle,
  encodeMaskPng,
  maskToPolygons,
  polygonRegions,
  toCvatInteractorResponse,
  type CvatInteractorResponse,
  type LabelStudioNames,
  type LabelStudioPrediction,
  type LabelStudioResultType,
  type Polygon,
} from '@simpleclick/core/formats';

/** The formats `simpleclick segment --format` writes. */
export const MASK_FORMATS = ['png', 'polygon', 'coco', 'labelstudio', 'cvat'] as const;
export type MaskFormat = (typeof MASK_FORMATS)[number];

/** Polygon simplification (`--epsilon`, `--max-vertices`); both absent: exact pixel outlines. */
export interface PolygonSimplification {
  readonly epsilonPx?: number;
  readonly maxVerticesPerPolygon?: number;
}

/** Everything that decides the bytes of the output file. */
export interface MaskOutputOptions {
  readonly format: MaskFormat;
  readonly polygons?: PolygonSimplification;
  readonly labelStudio?: {
    readonly resultType: LabelStudioResultType;
    readonly names?: LabelStudioNames;
    readonly modelVersion: string;
    /** Confidence of the prediction in [0, 1], written as `score` when given. */
    readonly score?: number;
  };
}

/** The `--format polygon` document: polygons with holes, vertices in pixels (pixel-corner frame). */
export interface PolygonDocument {
  readonly width: number;
  readonly height: number;
  /** Always "px": `[0, 0]` is the top-left corner of the image, `[width, height]` its bottom-right corner. */
  readonly units: 'px';
  readonly polygons: readonly Polygon[];
}

/** Bytes to write plus notes for stderr (something the format could not hold, an empty mask...). */
export interface EncodedMaskOutput {
  readonly content: Uint8Array | string;
  readonly notes: readonly string[];
}

/**
 * Encodes a mask in one of {@link MASK_FORMATS}:
 * - `png`: 8-bit grayscale, 255 object / 0 background;
 * - `polygon`: {@link PolygonDocument} JSON;
 * - `coco`: COCO RLE `{size: [height, width], counts}` with pycocotools' compressed counts string;
 * - `labelstudio`: a Label Studio prediction `{model_version, score?, result: [...]}` with one `brushlabels` RLE
 *   region, or (result type `polygon`) `polygonlabels` regions in percent;
 * - `cvat`: the CVAT interactor response `{mask: rows of 0/255 over the inclusive bounds, bounds: [x1,y1,x2,y2]}`.
 * JSON is written on one line (masks make long arrays) and ends with a newline.
 */
export function encodeMaskOutput(mask: BinaryMask, options: MaskOutputOptions): EncodedMaskOutput {
  const notes: string[] = [];
  const json = (value: unknown): string => `${JSON.stringify(value)}\n`;
  switch (options.format) {
    case 'png':
      return { content: encodeMaskPng(mask), notes };
    case 'polygon': {
      const document: PolygonDocument = {
        width: mask.width,
        height: mask.height,
        units: 'px',
        polygons: tracePolygons(mask, options.polygons),
      };
      return { content: json(document), notes };
    }
    case 'coco':
      return { content: json(encodeCocoRle(mask)), notes };
    case 'labelstudio': {
      const settings = options.labelStudio ?? { resultType: 'brush' as const, modelVersion: 'simpleclick' };
      const names = settings.names ?? DEFAULT_LABEL_STUDIO_NAMES;
      let result;
      if (settings.resultType === 'polygon') {
        const { regions, droppedHoleCount } = polygonRegions(
          tracePolygons(mask, options.polygons),
          mask.width,
          mask.height,
          names,
          'simpleclick-',
        );
        if (droppedHoleCount > 0) {
          notes.push(
            `Label Studio polygons cannot have holes: ${droppedHoleCount} hole(s) left out (use --fill-holes, or --ls-type brush)`,
          );
        }
        result = regions;
      } else {
        result = [brushRegion(mask, names, 'simpleclick-1')];
      }
      const prediction: LabelStudioPrediction = {
        model_version: settings.modelVersion,
        ...(settings.score !== undefined ? { score: settings.score } : {}),
        result,
      };
      return { content: json(prediction), notes };
    }
    case 'cvat': {
      const response: CvatInteractorResponse = toCvatInteractorResponse(mask) ?? EMPTY_CVAT_RESPONSE;
      if (response === EMPTY_CVAT_RESPONSE) notes.push('the mask is empty: wrote a 1 x 1 background crop at (0, 0)');
      return { content: json(response), notes };
    }
  }
}

/**
 * CVAT needs a crop even for an empty mask; a single background pixel at the origin decodes to an empty mask
 * of any size.
 */
const EMPTY_CVAT_RESPONSE: CvatInteractorResponse = Object.freeze({
  mask: [[0]],
  bounds: [0, 0, 0, 0],
}) as CvatInteractorResponse;

function tracePolygons(mask: BinaryMask, simplification: PolygonSimplification = {}): Polygon[] {
  return maskToPolygons(mask, {
    ...(simplification.epsilonPx !== undefined ? { epsilonPx: simplification.epsilonPx } : {}),
    ...(simplification.maxVerticesPerPolygon !== undefined
      ? { maxVerticesPerPolygon: simplification.maxVerticesPerPolygon }
      : {}),
  });
}

/** Whether a format's output is text (JSON) rather than bytes. */
export function isTextFormat(format: MaskFormat): boolean {
  return format !== 'png';
}

/** Whether `--epsilon` / `--max-vertices` mean anything for these settings. */
export function usesPolygons(format: MaskFormat, labelStudioType: LabelStudioResultType): boolean {
  return format === 'polygon' || (format === 'labelstudio' && labelStudioType === 'polygon');
}
