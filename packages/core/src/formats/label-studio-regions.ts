import type { BinaryMask } from '../mask/binary-mask';
import { encodeLabelStudioBrushRle } from './label-studio-brush-rle';
import type { Polygon } from './polygon';
import { polygonToPercent } from './polygon-percent';

/*
 * Label Studio results ("regions") built from a mask: shared by the ML backend and plugin of
 * @simpleclick/adapters-labelstudio and the `simpleclick segment --format labelstudio` command of @simpleclick/cli.
 */

/** How the mask becomes a Label Studio region. */
export type LabelStudioResultType = 'brush' | 'polygon';

/** Names that tie a result to the project's labeling config. */
export interface LabelStudioNames {
  /** The control tag (`<BrushLabels name=...>` or `<PolygonLabels name=...>`): the region's `from_name`. */
  readonly fromName: string;
  /** The object tag (`<Image name=...>`): the region's `to_name`. */
  readonly toName: string;
  /** The label given to the region. */
  readonly label: string;
}

/** Defaults of {@link LabelStudioNames}: the names of Label Studio's own interactive segmentation templates. */
export const DEFAULT_LABEL_STUDIO_NAMES: LabelStudioNames = Object.freeze({
  fromName: 'tag',
  toName: 'image',
  label: 'Object',
});

/** One region of a Label Studio prediction (`result` entry). */
export interface LabelStudioRegion {
  readonly id: string;
  readonly type: 'brushlabels' | 'polygonlabels';
  readonly from_name: string;
  readonly to_name: string;
  readonly original_width: number;
  readonly original_height: number;
  readonly image_rotation: 0;
  readonly value: Record<string, unknown>;
  /** Confidence of this region in [0, 1]. */
  readonly score?: number;
  /** `false` lets the annotator edit the region after accepting it. */
  readonly readonly?: boolean;
}

/** A Label Studio prediction: what an ML backend returns per task and what `predictions` import files hold. */
export interface LabelStudioPrediction {
  readonly model_version: string;
  readonly score?: number;
  readonly result: LabelStudioRegion[];
}

/** Optional fields of a region. */
export interface RegionExtras {
  /** Written as the region's `score`. */
  readonly score?: number;
  /** Written as the region's `readonly`. */
  readonly readonly?: boolean;
}

/**
 * A `brushlabels` region with `format: 'rle'`: Label Studio's brush RLE of the whole image (the SDK's
 * encoder, byte-identical to the LS frontend's), sized by `original_width` / `original_height` (the mask's size,
 * which must be the image's natural size).
 */
export function brushRegion(
  mask: BinaryMask,
  names: LabelStudioNames,
  id: string,
  extras: RegionExtras = {},
): LabelStudioRegion {
  return brushRegionFromRle(encodeLabelStudioBrushRle(mask), mask.width, mask.height, names, id, extras);
}

/**
 * The region {@link brushRegion} builds, from a brush RLE encoded elsewhere (for example by the SDK's worker), so
 * that a page never holds or encodes the image-sized mask. `width` x `height` is the image's natural size.
 */
export function brushRegionFromRle(
  rle: number[],
  width: number,
  height: number,
  names: LabelStudioNames,
  id: string,
  extras: RegionExtras = {},
): LabelStudioRegion {
  return {
    id,
    type: 'brushlabels',
    from_name: names.fromName,
    to_name: names.toName,
    original_width: width,
    original_height: height,
    image_rotation: 0,
    value: { format: 'rle', rle, brushlabels: [names.label] },
    ...extrasOf(extras),
  };
}

/**
 * `polygonlabels` regions, one per polygon, points in percent of the image size (the pixel-corner frame scaled
 * by 100 / width and 100 / height). Label Studio polygons have no holes: only outer rings are written, and
 * `droppedHoleCount` says how many holes were left out.
 */
export function polygonRegions(
  polygons: readonly Polygon[],
  width: number,
  height: number,
  names: LabelStudioNames,
  idPrefix: string,
  extras: RegionExtras = {},
): { regions: LabelStudioRegion[]; droppedHoleCount: number } {
  let droppedHoleCount = 0;
  const regions = polygons.map((polygon, index): LabelStudioRegion => {
    droppedHoleCount += polygon.holes.length;
    const inPercent = polygonToPercent(polygon, width, height);
    return {
      id: `${idPrefix}${index + 1}`,
      type: 'polygonlabels',
      from_name: names.fromName,
      to_name: names.toName,
      original_width: width,
      original_height: height,
      image_rotation: 0,
      value: { points: inPercent.outer.map(([x, y]) => [x, y]), polygonlabels: [names.label], closed: true },
      ...extrasOf(extras),
    };
  });
  return { regions, droppedHoleCount };
}

function extrasOf(extras: RegionExtras): RegionExtras {
  return {
    ...(extras.score !== undefined ? { score: extras.score } : {}),
    ...(extras.readonly !== undefined ? { readonly: extras.readonly } : {}),
  };
}
