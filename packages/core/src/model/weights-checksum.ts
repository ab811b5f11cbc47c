/**
 * The weights checksum of a SimpleClick ONNX file: metadata key `simpleclick.weights_sha256`, lowercase hex.
 *
 * Definition (shared with python/simpleclick/weights_digest.py, which writes it): sha256 over the concatenation,
 * for every initializer of the main graph in file order (`model.graph.initializer`), of its values as
 * little-endian bytes, i.e. `numpy_helper.to_array(t)` converted to little-endian, `.tobytes()`. For the tensors
 * the exporter writes (`raw_data`, which ONNX stores little-endian) that is the `raw_data` bytes as they are.
 * Metadata, names and shapes are not covered, so writing the key into the file does not change the value.
 * See {@link readOnnxInitializerData} for how the TypeScript side finds the bytes.
 */

/** Outcome of checking the weights against `simpleclick.weights_sha256`. */
export type WeightsChecksumStatus =
  /** The recorded sha256 equals the weights' sha256. */
  | 'match'
  /** The recorded sha256 differs (or is not a sha256): the file was damaged. */
  | 'mismatch'
  /** The file records no sha256 (older exports): nothing to check. */
  | 'absent'
  /** Some weights live in external data files, or in a storage the reader does not convert: not checked. */
  | 'unverifiable';

/** What a loader found when it checked the weights checksum. */
export interface WeightsChecksum {
  readonly status: WeightsChecksumStatus;
  /** The sha256 the metadata records, when present. */
  readonly expected?: string;
  /** The sha256 of the weights, when computed. */
  readonly actual?: string;
}
