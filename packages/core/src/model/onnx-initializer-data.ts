import { LENGTH_DELIMITED, VARINT, WireReader } from './protobuf-wire-reader';

/** The initializer bytes of an ONNX file, as {@link readOnnxInitializerData} finds them. */
export interface OnnxInitializerData {
  /**
   * The `raw_data` bytes of every initializer of the main graph, in the order they appear in the file (views
   * into the file's bytes, not copies). An initializer without `raw_data` (its values in a typed field such as
   * `float_data`, or in an external file) gives an empty array.
   */
  readonly rawData: readonly Uint8Array[];
  /** Whether any initializer keeps its data in an external file (`data_location = EXTERNAL`). */
  readonly hasExternalData: boolean;
}

// ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto.raw_data = 9, external_data = 13,
// data_location = 14 (DataLocation.EXTERNAL = 1). See onnx/onnx.proto.
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;
const TENSOR_EXTERNAL_DATA_FIELD = 13;
const TENSOR_DATA_LOCATION_FIELD = 14;
const DATA_LOCATION_EXTERNAL = 1;

/**
 * Finds the `raw_data` of every initializer of an ONNX file's main graph (`ModelProto.graph.initializer`, in
 * file order; sub-graphs and `sparse_initializer` are not included), walking the protobuf wire format without
 * decoding tensors. Protobuf merge rules are followed as `onnx.load` applies them: a `graph` field that appears
 * twice is merged (initializer lists concatenated), a `raw_data` field that appears twice in one tensor keeps
 * the last. This is what the weights checksum (`simpleclick.weights_sha256`) covers.
 *
 * @throws ModelLoadError when the bytes are not a well-formed protobuf message.
 */
export function readOnnxInitializerData(bytes: Uint8Array): OnnxInitializerData {
  const rawData: Uint8Array[] = [];
  let hasExternalData = false;
  const model = new WireReader(bytes, 0, bytes.length);
  while (!model.done) {
    const modelTag = model.readTag();
    if (modelTag.fieldNumber !== MODEL_GRAPH_FIELD || modelTag.wireType !== LENGTH_DELIMITED) {
      model.skip(modelTag.wireType);
      continue;
    }
    const [graphStart, graphEnd] = model.readLengthDelimited();
    const graph = new WireReader(bytes, graphStart, graphEnd);
    while (!graph.done) {
      const graphTag = graph.readTag();
      if (graphTag.fieldNumber !== GRAPH_INITIALIZER_FIELD || graphTag.wireType !== LENGTH_DELIMITED) {
        graph.skip(graphTag.wireType);
        continue;
      }
      const [tensorStart, tensorEnd] = graph.readLengthDelimited();
      const tensor = readTensor(bytes, tensorStart, tensorEnd);
      rawData.push(tensor.rawData);
      hasExternalData ||= tensor.external;
    }
  }
  return { rawData, hasExternalData };
}

function readTensor(bytes: Uint8Array, start: number, end: number): { rawData: Uint8Array; external: boolean } {
  const reader = new WireReader(bytes, start, end);
  let rawData = bytes.subarray(0, 0);
  let external = false;
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber === TENSOR_RAW_DATA_FIELD && wireType === LENGTH_DELIMITED) {
      const [from, to] = reader.readLengthDelimited();
      rawData = bytes.subarray(from, to);
    } else if (fieldNumber === TENSOR_DATA_LOCATION_FIELD && wireType === VARINT) {
      external = reader.readVarint() === DATA_LOCATION_EXTERNAL;
    } else if (fieldNumber === TENSOR_EXTERNAL_DATA_FIELD && wireType === LENGTH_DELIMITED) {
      reader.readLengthDelimited();
      external = true;
    } else {
      reader.skip(wireType);
    }
  }
  return { rawData, external };
}
