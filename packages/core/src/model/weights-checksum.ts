/**
 * The weights checksum of a SimpleClick ONNX file: metadata key `simpleclick.weights_sha256`, the lowercase hex
 * sha256 of the concatenated `raw_data` bytes of every initializer of the main graph, in file order
 * (see {@link readOnnxInitializerData}; Python: `hashlib.sha256(b"".join(t.raw_data for t in
 * model.graph.initializer)).hexdigest()`). Metadata is not covered, so writing the key does not change the value.
 */

/** Outcome of checking the weights against `simpleclick.weights_sha256`. */
export type WeightsChecksumStatus =
  /** The recorded sha256 equals the weights' sha256. */
  | 'match'
  /** The recorded sha256 differs (or is not a sha256): the file was damaged. */
  | 'mismatch'
  /** The file records no sha256 (older exports): nothing to check. */
  | 'absent'
  /** The weights live in external data files, not in these bytes: not checked. */
  | 'unverifiable';

/** What a loader found when it checked the weights checksum. */
export interface WeightsChecksum {
  readonly status: WeightsChecksumStatus;
  /** The sha256 the metadata records, when present. */
  readonly expected?: string;
  /** The sha256 of the weights, when computed. */
  readonly actual?: string;
}
