/**
 * @simpleclick/core/formats: masks to and from the formats annotation tools and datasets use: COCO RLE, Label
 * Studio brush RLE and regions, CVAT mask RLE and interactor responses, polygons, PNG. Runtime-agnostic.
 * @module @simpleclick/core/formats
 */

// --- COCO RLE ---
export {
  encodeCocoRle,
  encodeUncompressedCocoRle,
  decodeCocoRle,
  cocoRleArea,
  cocoRleBbox,
  MAX_DECODED_PIXELS,
} from './coco-rle';
export type { CocoRle, CompressedCocoRle, UncompressedCocoRle, CocoBbox } from './coco-rle';

// --- Label Studio ---
export {
  encodeLabelStudioBrushRle,
  decodeLabelStudioBrushRle,
  DEFAULT_BRUSH_RLE_DECODE_OPTIONS,
} from './label-studio-brush-rle';
export type { BrushRleDecodeOptions } from './label-studio-brush-rle';
export { brushRegion, brushRegionFromRle, polygonRegions, DEFAULT_LABEL_STUDIO_NAMES } from './label-studio-regions';
export type {
  LabelStudioResultType,
  LabelStudioNames,
  LabelStudioRegion,
  LabelStudioPrediction,
  RegionExtras,
} from './label-studio-regions';

// --- CVAT ---
export { encodeCvatMaskRle, decodeCvatMaskRle } from './cvat-mask-rle';
export { toCvatInteractorResponse } from './cvat-interactor-response';
export type { CvatInteractorResponse } from './cvat-interactor-response';

// --- polygons ---
export { maskToPolygons, DEFAULT_MASK_TO_POLYGONS_OPTIONS } from './mask-to-polygons';
export type { MaskToPolygonsOptions } from './mask-to-polygons';
export { rasterizePolygons, DEFAULT_RASTERIZE_OPTIONS } from './rasterize-polygons';
export type { FillRule, RasterizeOptions } from './rasterize-polygons';
export { polygonAreaPx, polygonVertexCount } from './polygon';
export type { PointPx, Ring, Polygon } from './polygon';
export { ringToPercent, ringFromPercent, polygonToPercent } from './polygon-percent';

// --- PNG ---
export { encodeMaskPng, encodeProbabilityPng, decodeMaskPng, DEFAULT_MASK_PNG_OPTIONS } from './mask-png';
export type { MaskPngOptions } from './mask-png';
export { encodeRgbPng } from './rgb-png';
