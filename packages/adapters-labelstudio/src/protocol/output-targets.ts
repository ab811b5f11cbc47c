import { BackendError } from '../errors/backend-error';
import { isTag, type LabelConfig, type LabelConfigControl, type LabelConfigObject } from './label-config';

/** Which regions to produce (see `RegionOutput` in the backend options). */
export type RegionKinds = 'auto' | 'brush' | 'polygon' | 'both';

/** Where a prediction goes in the labeling config. */
export interface OutputTargets {
  /** The `<Image>` the smart regions belong to; its `value` names the task data field with the image URL. */
  readonly image: LabelConfigObject;
  /** The `<BrushLabels>` control that brush regions use (their `from_name`), when brush output is on. */
  readonly brush?: LabelConfigControl;
  /** The `<PolygonLabels>` control for polygon regions, when polygon output is on. */
  readonly polygon?: LabelConfigControl;
}

/**
 * Finds the image and the output tags for a prediction: the `<Image>` named by the context's `to_name` (else the
 * config's first `<Image>`), and the `<BrushLabels>` / `<PolygonLabels>` whose `toName` includes it, preferring
 * one that lists `label`.
 *
 * @throws BackendError 422 `LABEL_CONFIG` naming what the config lacks.
 */
export function selectOutputTargets(
  config: LabelConfig,
  kinds: RegionKinds,
  toName: string | undefined,
  label: string | undefined,
): OutputTargets {
  const images = config.objects.filter((object) => isTag(object.tag, 'Image'));
  const image = toName !== undefined ? images.find((object) => object.name === toName) : images[0];
  if (image === undefined) {
    throw new BackendError(
      422,
      'LABEL_CONFIG',
      toName !== undefined
        ? `the labeling config has no <Image name="${toName}"> (the smart regions' to_name)`
        : 'the labeling config has no <Image> tag',
    );
  }
  const controlFor = (tag: string): LabelConfigControl | undefined => {
    const candidates = config.controls.filter(
      (control) => isTag(control.tag, tag) && control.toNames.includes(image.name),
    );
    return candidates.find((control) => label !== undefined && control.labels.includes(label)) ?? candidates[0];
  };
  const brush = controlFor('BrushLabels');
  const polygon = controlFor('PolygonLabels');
  const missing = (tag: string) =>
    new BackendError(
      422,
      'LABEL_CONFIG',
      `the labeling config has no <${tag} toName="${image.name}"> for the predicted regions`,
    );

  switch (kinds) {
    case 'brush':
      if (brush === undefined) throw missing('BrushLabels');
      return { image, brush };
    case 'polygon':
      if (polygon === undefined) throw missing('PolygonLabels');
      return { image, polygon };
    case 'both':
      if (brush === undefined) throw missing('BrushLabels');
      if (polygon === undefined) throw missing('PolygonLabels');
      return { image, brush, polygon };
    case 'auto':
      if (brush !== undefined) return { image, brush };
      if (polygon !== undefined) return { image, polygon };
      throw new BackendError(
        422,
        'LABEL_CONFIG',
        `the labeling config has no <BrushLabels> or <PolygonLabels> with toName="${image.name}": add one for the masks`,
      );
  }
}
