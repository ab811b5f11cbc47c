import type { Click } from '../clicks/click';
import { checkedClick } from '../clicks/validate-clicks';
import { InvalidFormatError } from '../errors';
import type { BinaryMask } from '../mask/binary-mask';
import { MAX_OBJECT_ID } from './label-map';
import { decodeCocoRle, encodeCocoRle, type CocoRle } from '../formats/coco-rle';

/** Value of {@link SessionSnapshot.format}. */
export const SESSION_SNAPSHOT_FORMAT = 'simpleclick.session';
/** Value of {@link SessionSnapshot.version} this SDK writes and reads. */
export const SESSION_SNAPSHOT_VERSION = 1;

/**
 * A mask in a snapshot: COCO RLE as pycocotools writes it. The session writes the compressed form (counts as
 * a string); it reads both forms.
 */
export type SnapshotMask = CocoRle;

/** One object of a {@link SessionSnapshot}. */
export interface SessionSnapshotObject {
  /** The object's id (label-map value). */
  readonly id: number;
  /** Its clicks, in order. */
  readonly clicks: readonly Click[];
  /** Its mask at the snapshot's threshold. */
  readonly mask: SnapshotMask;
  /** The imported mask it started from (thresholded), when it started from one. */
  readonly startMask?: SnapshotMask;
}

/**
 * Everything a UI needs to save a session and restore it later, as plain JSON (`JSON.stringify` it).
 * Undo history is not saved; probabilities are saved as thresholded masks.
 */
export interface SessionSnapshot {
  readonly format: typeof SESSION_SNAPSHOT_FORMAT;
  readonly version: typeof SESSION_SNAPSHOT_VERSION;
  /** Size of the image the session segments. */
  readonly width: number;
  readonly height: number;
  readonly threshold: number;
  readonly currentObjectId: number;
  /** Every object, in creation (drawing) order. */
  readonly objects: readonly SessionSnapshotObject[];
}

/** Encodes a mask for a snapshot. */
export function encodeSnapshotMask(mask: BinaryMask): SnapshotMask {
  return encodeCocoRle(mask);
}

/** A snapshot object with its masks decoded and checked. */
export interface DecodedSnapshotObject {
  readonly id: number;
  readonly clicks: readonly Click[];
  readonly mask: BinaryMask;
  readonly startMask: BinaryMask | undefined;
}

/** A snapshot checked against the image size, masks decoded. */
export interface DecodedSnapshot {
  readonly threshold: number;
  readonly currentObjectId: number;
  readonly objects: readonly DecodedSnapshotObject[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function decodeMask(value: unknown, width: number, height: number, where: string): BinaryMask {
  if (!isRecord(value)) throw new InvalidFormatError(`${where}: expected a COCO RLE {size: [height, width], counts}`);
  // Checked before decoding, so a forged size allocates nothing.
  if (!Array.isArray(value.size) || value.size[0] !== height || value.size[1] !== width) {
    throw new InvalidFormatError(
      `${where}: size ${JSON.stringify(value.size)} is not the image's [${height}, ${width}]`,
    );
  }
  try {
    return decodeCocoRle(value as unknown as CocoRle);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidFormatError(`${where}: ${reason}`, { cause: error });
  }
}

function decodeClick(value: unknown, width: number, height: number, where: string): Click {
  // The SDK's one click check; a bad click in a snapshot is a format error of the snapshot.
  try {
    return checkedClick(value as Click, width, height);
  } catch (error) {
    throw new InvalidFormatError(`${where}: expected {xPx, yPx, isPositive} inside the ${width} x ${height} image`, {
      cause: error,
    });
  }
}

/**
 * Checks a snapshot (from JSON, so nothing is trusted) for an image of `width` x `height` and decodes its
 * masks. Throws {@link InvalidFormatError} naming the first problem.
 */
export function decodeSessionSnapshot(snapshot: unknown, width: number, height: number): DecodedSnapshot {
  if (!isRecord(snapshot) || snapshot.format !== SESSION_SNAPSHOT_FORMAT) {
    throw new InvalidFormatError(`not a session snapshot (format must be '${SESSION_SNAPSHOT_FORMAT}')`);
  }
  if (snapshot.version !== SESSION_SNAPSHOT_VERSION) {
    throw new InvalidFormatError(
      `snapshot version ${String(snapshot.version)} is not supported (expected ${SESSION_SNAPSHOT_VERSION})`,
    );
  }
  if (snapshot.width !== width || snapshot.height !== height) {
    throw new InvalidFormatError(
      `snapshot is for a ${String(snapshot.width)} x ${String(snapshot.height)} image, this session's image is ${width} x ${height}`,
    );
  }
  const threshold = snapshot.threshold;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new InvalidFormatError(`snapshot threshold must be a number in [0, 1], got ${String(threshold)}`);
  }
  if (!Array.isArray(snapshot.objects) || snapshot.objects.length === 0) {
    throw new InvalidFormatError('snapshot objects must be a non-empty array');
  }
  const seenIds = new Set<number>();
  const objects = snapshot.objects.map((value: unknown, index: number): DecodedSnapshotObject => {
    const where = `snapshot object ${index}`;
    if (
      !isRecord(value) ||
      !Number.isInteger(value.id) ||
      (value.id as number) < 1 ||
      (value.id as number) > MAX_OBJECT_ID
    ) {
      throw new InvalidFormatError(`${where}: id must be an integer in [1, ${MAX_OBJECT_ID}]`);
    }
    const id = value.id as number;
    if (seenIds.has(id)) throw new InvalidFormatError(`${where}: duplicate id ${id}`);
    seenIds.add(id);
    if (!Array.isArray(value.clicks)) throw new InvalidFormatError(`${where}: clicks must be an array`);
    const clicks = Object.freeze(
      value.clicks.map((click: unknown, k: number) => decodeClick(click, width, height, `${where} click ${k}`)),
    );
    const mask = decodeMask(value.mask, width, height, `${where} mask`);
    const startMask =
      value.startMask === undefined ? undefined : decodeMask(value.startMask, width, height, `${where} startMask`);
    return { id, clicks, mask, startMask };
  });
  const currentObjectId = snapshot.currentObjectId;
  if (typeof currentObjectId !== 'number' || !seenIds.has(currentObjectId)) {
    throw new InvalidFormatError(`snapshot currentObjectId ${String(currentObjectId)} is not one of its objects`);
  }
  return { threshold, currentObjectId, objects };
}
