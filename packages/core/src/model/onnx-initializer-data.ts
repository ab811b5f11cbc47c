import { FIXED32, FIXED64, LENGTH_DELIMITED, VARINT, WireReader } from './protobuf-wire-reader';

/** The initializers of an ONNX file as bytes, as {@link readOnnxInitializerData} finds them. */
export interface OnnxInitializerData {
  /**
   * Each initializer of the main graph, in file order, as the little-endian bytes of its values: its `raw_data`
   * as stored (a view into the file's bytes), or its typed field (`float_data`, `int32_data`, `int64_data`,
   * `double_data`, `uint64_data`) converted to the element type's little-endian bytes, exactly as
   * `numpy_helper.to_array(t).tobytes()` gives them on a little-endian machine. `null` for an initializer whose
   * bytes are not in the file (external data) or whose type this reader does not convert (strings, bfloat16 and
   * float8 in typed fields...).
   */
  readonly tensorBytes: readonly (Uint8Array | null)[];
  /** Whether any initializer keeps its data in an external file (`data_location = EXTERNAL`). */
  readonly hasExternalData: boolean;
}

// ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto fields, see onnx/onnx.proto.
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR = Object.freeze({
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  int64Data: 7,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  externalData: 13,
  dataLocation: 14,
});
const DATA_LOCATION_EXTERNAL = 1;

/** TensorProto.DataType values whose typed-field storage this reader converts, with the field and element size. */
const TYPED_STORAGE: ReadonlyMap<number, { readonly field: number; readonly bytes: number }> = new Map([
  [1, { field: TENSOR.floatData, bytes: 4 }], // FLOAT
  [14, { field: TENSOR.floatData, bytes: 4 }], // COMPLEX64 (real, imaginary pairs)
  [2, { field: TENSOR.int32Data, bytes: 1 }], // UINT8
  [3, { field: TENSOR.int32Data, bytes: 1 }], // INT8
  [4, { field: TENSOR.int32Data, bytes: 2 }], // UINT16
  [5, { field: TENSOR.int32Data, bytes: 2 }], // INT16
  [6, { field: TENSOR.int32Data, bytes: 4 }], // INT32
  [9, { field: TENSOR.int32Data, bytes: 1 }], // BOOL
  [10, { field: TENSOR.int32Data, bytes: 2 }], // FLOAT16 (the bits)
  [7, { field: TENSOR.int64Data, bytes: 8 }], // INT64
  [11, { field: TENSOR.doubleData, bytes: 8 }], // DOUBLE
  [15, { field: TENSOR.doubleData, bytes: 8 }], // COMPLEX128
  [12, { field: TENSOR.uint64Data, bytes: 4 }], // UINT32
  [13, { field: TENSOR.uint64Data, bytes: 8 }], // UINT64
]);

/**
 * Reads the values of every initializer of an ONNX file's main graph (`ModelProto.graph.initializer`, in file
 * order; sub-graphs and `sparse_initializer` are not included) as bytes, walking the protobuf wire format.
 * Protobuf merge rules are followed as `onnx.load` applies them: a `graph` field that appears twice is merged
 * (initializer lists concatenated), a `raw_data` that appears twice in one tensor keeps the last. This is what
 * the weights checksum (`simpleclick.weights_sha256`, see weights-checksum.ts) covers.
 *
 * @throws ModelLoadError when the bytes are not a well-formed protobuf message.
 */
export function readOnnxInitializerData(bytes: Uint8Array): OnnxInitializerData {
  const tensorBytes: (Uint8Array | null)[] = [];
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
      tensorBytes.push(tensor.bytes);
      hasExternalData ||= tensor.external;
    }
  }
  return { tensorBytes, hasExternalData };
}

/** One value of a typed field, before conversion to the element type. */
type TypedValue = number | bigint;

function readTensor(bytes: Uint8Array, start: number, end: number): { bytes: Uint8Array | null; external: boolean } {
  const reader = new WireReader(bytes, start, end);
  let rawData: Uint8Array | undefined;
  let external = false;
  let dataType = 0;
  const typed = new Map<number, TypedValue[]>();
  const push = (field: number, value: TypedValue) => {
    const list = typed.get(field) ?? [];
    list.push(value);
    typed.set(field, list);
  };
  while (!reader.done) {
    const { fieldNumber, wireType } = reader.readTag();
    if (fieldNumber === TENSOR.rawData && wireType === LENGTH_DELIMITED) {
      const [from, to] = reader.readLengthDelimited();
      rawData = bytes.subarray(from, to);
    } else if (fieldNumber === TENSOR.dataType && wireType === VARINT) {
      dataType = reader.readVarint();
    } else if (fieldNumber === TENSOR.dataLocation && wireType === VARINT) {
      external = reader.readVarint() === DATA_LOCATION_EXTERNAL;
    } else if (fieldNumber === TENSOR.externalData && wireType === LENGTH_DELIMITED) {
      reader.readLengthDelimited();
      external = true;
    } else if (isTypedField(fieldNumber)) {
      readTypedValues(bytes, reader, fieldNumber, wireType, (value) => push(fieldNumber, value));
    } else {
      reader.skip(wireType);
    }
  }
  if (external) return { bytes: null, external };
  if (rawData !== undefined) return { bytes: rawData, external };
  const storage = TYPED_STORAGE.get(dataType);
  if (storage === undefined) {
    // No raw_data and a type without a converted typed field: an empty tensor is still hashable (no bytes).
    return { bytes: typed.size === 0 ? new Uint8Array(0) : null, external };
  }
  return { bytes: typedValuesToBytes(typed.get(storage.field) ?? [], dataType, storage.bytes), external };
}

function isTypedField(field: number): boolean {
  return (
    field === TENSOR.floatData ||
    field === TENSOR.int32Data ||
    field === TENSOR.int64Data ||
    field === TENSOR.doubleData ||
    field === TENSOR.uint64Data
  );
}

/** Reads one occurrence of a repeated numeric field, packed (length-delimited) or not. */
function readTypedValues(
  bytes: Uint8Array,
  reader: WireReader,
  field: number,
  wireType: number,
  emit: (value: TypedValue) => void,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readOne = (source: WireReader, type: number) => {
    if (type === FIXED32 && field === TENSOR.floatData) {
      const [at] = source.readFixed(4);
      emit(view.getFloat32(at, true));
    } else if (type === FIXED64 && field === TENSOR.doubleData) {
      const [at] = source.readFixed(8);
      emit(view.getFloat64(at, true));
    } else if (type === VARINT && field !== TENSOR.floatData && field !== TENSOR.doubleData) {
      emit(source.readVarintBigInt());
    } else {
      source.skip(type);
    }
  };
  if (wireType !== LENGTH_DELIMITED) {
    readOne(reader, wireType);
    return;
  }
  const [from, to] = reader.readLengthDelimited();
  const packed = new WireReader(bytes, from, to);
  const elementType = field === TENSOR.floatData ? FIXED32 : field === TENSOR.doubleData ? FIXED64 : VARINT;
  while (!packed.done) readOne(packed, elementType);
}

/** Typed-field values as the little-endian bytes of the element type (numpy's astype + tobytes). */
function typedValuesToBytes(values: readonly TypedValue[], dataType: number, elementBytes: number): Uint8Array {
  const out = new Uint8Array(values.length * elementBytes);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    const at = i * elementBytes;
    if (typeof value === 'number') {
      if (elementBytes === 4) view.setFloat32(at, value, true);
      else view.setFloat64(at, value, true);
      return;
    }
    if (dataType === 9) {
      out[at] = value !== 0n ? 1 : 0; // BOOL: numpy's astype(bool)
    } else if (elementBytes === 8) {
      view.setBigUint64(at, value, true);
    } else {
      // Narrower integers (and float16 bits): the low bytes of the value, as numpy's wrapping astype keeps them.
      const low = Number(BigInt.asUintN(32, value));
      for (let b = 0; b < elementBytes; b++) out[at + b] = (low >>> (8 * b)) & 0xff;
    }
  });
  return out;
}
