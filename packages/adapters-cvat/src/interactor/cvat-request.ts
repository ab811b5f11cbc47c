import { InvalidArgumentError, InvalidFormatError, NoPositiveClickError } from '@simpleclick/core';

/** A point as CVAT sends it: `[x, y]` in image pixels of the original frame; fractional values happen. */
export type CvatPoint = readonly [xPx: number, yPx: number];

/**
 * The JSON body CVAT's lambda manager POSTs to an interactor function (interactor API version 2): the frame and
 * every point the user placed so far, split by sign. CVAT sends no task or object id and does not say in which
 * order the two lists were built (see README: click order).
 */
export interface CvatInteractorRequest {
  /** Base64 of the encoded frame (JPEG, PNG, ...) as CVAT's frame provider returns it. A `data:` URL also works. */
  image: string;
  /** Positive points in placement order. */
  pos_points: CvatPoint[];
  /** Negative points in placement order. */
  neg_points: CvatPoint[];
  /**
   * Only for functions declared with `startswith_box`: the box's two corners `[[x1, y1], [x2, y2]]` (CVAT takes
   * them from the first two points). A flat `[x1, y1, x2, y2]` is accepted too. CVAT sends `null` otherwise.
   */
  obj_bbox?: CvatPoint[] | [number, number, number, number] | null;
  /** Mask threshold on the object probability, in [0, 1]; default the predictor's (0.49). */
  threshold?: number | null;
}

/** A box in image pixels (floats, as sent), corners ordered: `x1 <= x2`, `y1 <= y2`. */
export interface CvatBox {
  readonly x1Px: number;
  readonly y1Px: number;
  readonly x2Px: number;
  readonly y2Px: number;
}

/** A request after its shape was checked; points are not yet checked against the image size. */
export interface ParsedCvatRequest {
  readonly imageBase64: string;
  readonly positivePoints: readonly CvatPoint[];
  readonly negativePoints: readonly CvatPoint[];
  readonly box: CvatBox | null;
  /** undefined: use the predictor's threshold. */
  readonly threshold: number | undefined;
}

/**
 * Checks the shape of a request body (already parsed from JSON) and returns its parts.
 *
 * @param maxPoints - most points accepted (positive plus negative): every point costs a model run on replay.
 * @throws InvalidFormatError for a body that is not a CVAT interactor request (missing or mistyped fields,
 *   a point that is not two finite numbers, more than `maxPoints` points); NoPositiveClickError (an InvalidClickError) for only negative
 *   points (no positive point and no box); InvalidArgumentError for a threshold outside [0, 1].
 */
export function parseCvatInteractorRequest(body: unknown, maxPoints: number): ParsedCvatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidFormatError('the request body must be a JSON object {image, pos_points, neg_points}');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.image !== 'string' || fields.image.length === 0) {
    throw new InvalidFormatError('"image" must be a non-empty base64 string of the encoded frame');
  }
  const positivePoints = parsePointList(fields.pos_points, 'pos_points');
  // A missing neg_points list is read as empty (CVAT always sends one; other callers may not).
  const negativePoints = fields.neg_points === undefined ? [] : parsePointList(fields.neg_points, 'neg_points');
  const box = parseBox(fields.obj_bbox);
  const threshold = parseThreshold(fields.threshold);
  const count = positivePoints.length + negativePoints.length;
  if (count > maxPoints) {
    throw new InvalidFormatError(`the request has ${count} points, at most ${maxPoints} are accepted`);
  }
  if (positivePoints.length === 0 && box === null) {
    // What CVAT itself expects: its UI sends nothing before min_pos_points (1) positives exist, so only-negative
    // points come from other callers. Refused with a reason rather than a mask the model would make up.
    throw new NoPositiveClickError(
      'no positive point: an object starts with a positive point (the function declares min_pos_points 1); ' +
        'negative points only refine it',
    );
  }
  return { imageBase64: fields.image, positivePoints, negativePoints, box, threshold };
}

function parsePointList(value: unknown, name: string): CvatPoint[] {
  if (!Array.isArray(value)) throw new InvalidFormatError(`"${name}" must be a list of [x, y] points`);
  return value.map((point, index) => parsePoint(point, `${name}[${index}]`));
}

function parsePoint(value: unknown, name: string): CvatPoint {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new InvalidFormatError(`${name} must be a point [x, y], got ${describe(value)}`);
  }
  const [xPx, yPx] = value as unknown[];
  if (typeof xPx !== 'number' || typeof yPx !== 'number' || !Number.isFinite(xPx) || !Number.isFinite(yPx)) {
    throw new InvalidFormatError(`${name} must hold two finite numbers, got ${describe(value)}`);
  }
  return [xPx, yPx];
}

function parseBox(value: unknown): CvatBox | null {
  if (value === undefined || value === null) return null;
  let corners: number[];
  if (Array.isArray(value) && value.length === 2) {
    corners = [...parsePoint(value[0], 'obj_bbox[0]'), ...parsePoint(value[1], 'obj_bbox[1]')];
  } else if (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    corners = value as number[];
  } else {
    throw new InvalidFormatError(`"obj_bbox" must be [[x1, y1], [x2, y2]] or [x1, y1, x2, y2], got ${describe(value)}`);
  }
  const [xa, ya, xb, yb] = corners;
  return { x1Px: Math.min(xa, xb), y1Px: Math.min(ya, yb), x2Px: Math.max(xa, xb), y2Px: Math.max(ya, yb) };
}

function parseThreshold(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // Numbers, and numeric strings (form-style callers); CVAT itself sends a number or nothing.
  const threshold = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new InvalidArgumentError(`"threshold" must be a number in [0, 1], got ${describe(value)}`);
  }
  return threshold;
}

/** A short rendering of a bad value for error messages. */
function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
