import { badRequest } from '../errors/backend-error';
import type { PercentBox, PercentKeypoint } from './percent-coordinates';

/**
 * The smart regions Label Studio sends with an interactive `/predict` (`params.context.result`), reduced to what
 * SimpleClick uses. Coordinates stay in percent until the image size is known.
 */
export interface InteractiveContext {
  /** The keypoints in creation order: the clicks, the last one the newest. */
  readonly keypoints: readonly PercentKeypoint[];
  /** The last rectangle, when the user drew one (it limits the region the model looks at; see the README). */
  readonly box?: PercentBox;
  /** The label of the smart regions (`value.keypointlabels[0]` or `value.rectanglelabels[0]`), when they have one. */
  readonly label?: string;
  /** The object tag the regions belong to (`to_name`, the `<Image>` name). */
  readonly toName?: string;
  /** Natural image size Label Studio saw (`original_width` / `original_height`), when sent. */
  readonly originalWidthPx?: number;
  readonly originalHeightPx?: number;
}

/** Region types read as clicks (`KeyPointLabels`, and the label-less `KeyPoint` tag). */
const KEYPOINT_TYPES = new Set(['keypointlabels', 'keypoint']);
/** Region types read as a box (`RectangleLabels`, `Rectangle`). */
const RECTANGLE_TYPES = new Set(['rectanglelabels', 'rectangle']);

/**
 * Reads `params.context` of a `/predict` request. Returns `undefined` when there is no interaction (no context,
 * or an empty `result`): a batch pre-annotation request, which this backend answers with no prediction.
 *
 * Polarity of a keypoint: `value.positive` when it is a boolean (newer frontends), else `is_positive` (older
 * ones; `true`/`false` or 1/0), else positive: a keypoint is negative only when the frontend says so (Alt-click).
 * Region types other than keypoints and rectangles are ignored; when several rectangles are sent, the last wins.
 *
 * @throws BackendError 400 for a context that is not shaped as Label Studio sends it, or that has regions but
 *   no keypoint or rectangle among them.
 */
export function parseInteractiveContext(context: unknown): InteractiveContext | undefined {
  if (context === undefined || context === null) return undefined;
  if (!isRecord(context)) throw badRequest('params.context must be an object');
  const result = context.result;
  if (result === undefined || result === null) return undefined;
  if (!Array.isArray(result)) throw badRequest('params.context.result must be an array of regions');
  if (result.length === 0) return undefined;

  const keypoints: PercentKeypoint[] = [];
  let box: PercentBox | undefined;
  let label: string | undefined;
  let toName: string | undefined;
  let originalWidthPx: number | undefined;
  let originalHeightPx: number | undefined;

  result.forEach((region: unknown, index: number) => {
    if (!isRecord(region)) throw badRequest(`params.context.result[${index}] must be an object`);
    const type = typeof region.type === 'string' ? region.type.toLowerCase() : '';
    const isKeypoint = KEYPOINT_TYPES.has(type);
    const isRectangle = RECTANGLE_TYPES.has(type);
    if (!isKeypoint && !isRectangle) return;
    const value = region.value;
    if (!isRecord(value)) throw badRequest(`params.context.result[${index}].value must be an object`);
    const where = `params.context.result[${index}]`;
    const xPercent = requireNumber(value.x, `${where}.value.x`);
    const yPercent = requireNumber(value.y, `${where}.value.y`);
    if (isKeypoint) {
      keypoints.push({ xPercent, yPercent, isPositive: polarityOf(region, value, where) });
    } else {
      box = {
        xPercent,
        yPercent,
        widthPercent: requireNumber(value.width, `${where}.value.width`),
        heightPercent: requireNumber(value.height, `${where}.value.height`),
        rotationDeg:
          value.rotation === undefined || value.rotation === null
            ? 0
            : requireNumber(value.rotation, `${where}.value.rotation`),
      };
    }
    label ??= firstLabel(value[type]) ?? firstLabel(value.labels);
    if (typeof region.to_name === 'string' && region.to_name !== '') toName ??= region.to_name;
    originalWidthPx ??= optionalSize(region.original_width, `${where}.original_width`);
    originalHeightPx ??= optionalSize(region.original_height, `${where}.original_height`);
  });

  if (keypoints.length === 0 && box === undefined) {
    throw badRequest(
      'params.context.result has no keypoint or rectangle region (use a smart KeyPointLabels or RectangleLabels tool)',
    );
  }
  return {
    keypoints,
    ...(box !== undefined ? { box } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(toName !== undefined ? { toName } : {}),
    ...(originalWidthPx !== undefined ? { originalWidthPx } : {}),
    ...(originalHeightPx !== undefined ? { originalHeightPx } : {}),
  };
}

function polarityOf(region: Record<string, unknown>, value: Record<string, unknown>, where: string): boolean {
  if (typeof value.positive === 'boolean') return value.positive;
  const flag = region.is_positive;
  if (flag === undefined || flag === null) return true;
  if (typeof flag === 'boolean') return flag;
  if (flag === 0 || flag === 1) return flag === 1;
  throw badRequest(`${where}.is_positive must be a boolean, got ${JSON.stringify(flag)}`);
}

function requireNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest(`${what} must be a finite number, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}

function optionalSize(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw badRequest(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function firstLabel(labels: unknown): string | undefined {
  return Array.isArray(labels) && typeof labels[0] === 'string' ? labels[0] : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
