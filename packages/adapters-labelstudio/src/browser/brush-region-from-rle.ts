import type { LabelStudioNames, LabelStudioRegion, RegionExtras } from '@simpleclick/core/formats';

/**
 * The `brushlabels` region that `brushRegion(mask, ...)` builds, from the mask's brush RLE computed elsewhere (by
 * the SDK's worker: `getObjectOutputs` with `labelStudioBrushRle`), so that the page never holds or encodes the
 * image-sized mask. Same fields, same order, same values (a unit test compares the two).
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
    ...(extras.score !== undefined ? { score: extras.score } : {}),
    ...(extras.readonly !== undefined ? { readonly: extras.readonly } : {}),
  };
}
