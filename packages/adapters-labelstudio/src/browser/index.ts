/**
 * @simpleclick/adapters-labelstudio/browser: SimpleClick inside a page that embeds the Label Studio frontend
 * (npm @heartexlabs/label-studio 1.4.0): the smart keypoint tool runs the model in the annotator's browser and
 * the masks come back as suggestions, with no ML backend. Browser only (fetch, createImageBitmap, canvas).
 * @module @simpleclick/adapters-labelstudio/browser
 */
export { attachSimpleClick, SimpleClickLabelStudioPlugin } from './attach-simpleclick';
export { DEFAULT_LABEL_STUDIO_PLUGIN_OPTIONS } from './plugin-options';
export type { LabelStudioPluginOptions, LabelStudioPluginPredictor, SuggestionEvent } from './plugin-options';
export { LabelStudioPluginError } from './plugin-error';
export type { LabelStudioPluginErrorCode } from './plugin-error';
export type {
  LabelStudioLike,
  LabelStudioAppStore,
  LabelStudioAnnotation,
  LabelStudioRegion as LabelStudioFrontendRegion,
} from './label-studio-frontend';
// Option and result types shared with the ML backend.
export { DEFAULT_POLYGON_OUTPUT_OPTIONS } from '../results/region-output';
export type { RegionOutput, PolygonOutputOptions } from '../results/region-output';
export { DEFAULT_MASK_POST_PROCESSING } from '../segmentation/mask-post-processing';
export type { MaskPostProcessing } from '../segmentation/mask-post-processing';
export type { LabelStudioRegion, LabelStudioResultType } from '@simpleclick/core/formats';
export { ADAPTER_VERSION } from '../version';
