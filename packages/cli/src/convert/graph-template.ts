/**
 * Graph templates (python/simpleclick/graph_template.py): the Python exporter's ONNX file of a layout with the
 * weights and the per-file metadata taken out. Filling one with a checkpoint's tensors gives the exporter's file
 * byte for byte: the initializers keep their names, order, types and shapes and get `raw_data` (float32, or float16
 * rounded as numpy does), the metadata is the template's plus the per-file keys in sorted order, and the doc string
 * is set, exactly as `fill_template` and `export_onnx` do.
 *
 * Templates live in a folder with an `index.json` written by `python/tools/make_graph_templates.py`: each template
 * (`<layout>-<size>-<fp32|fp16>.onnx.gz`, gzip of the serialized template) and each layout's config and full
 * state-dict key/shape list.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConvertError } from './convert-error';
import { float32ToFloat16Bits, isFiniteFloat16 } from './float16';
import type { NetworkConfig } from './checkpoint-model';
import { sameLayout } from './checkpoint-model';
import {
  concatBytes,
  fieldText,
  insertInOrder,
  lengthDelimitedField,
  lengthDelimitedHeader,
  readFields,
  stringField,
  varintField,
  type WireField,
} from './protobuf-wire';

/** onnx TensorProto data types the templates use. */
const ONNX_FLOAT = 1;
const ONNX_FLOAT16 = 10;
/** ModelProto / GraphProto / TensorProto field numbers (onnx.proto). */
const MODEL_DOC_STRING = 6;
const MODEL_GRAPH = 7;
const MODEL_PRODUCER_VERSION = 3;
const MODEL_METADATA_PROPS = 14;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;

/** The exporter writes external data above this many bytes of weights (export.EXTERNAL_DATA_THRESHOLD_BYTES). */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1_800_000_000;
/**
 * onnx 1.12's `convert_model_to_external_data(size_threshold=1024)` moves a tensor out when
 * `sys.getsizeof(raw_data) >= 1024`; a CPython bytes object's getsizeof is its length + 33.
 */
export const EXTERNAL_TENSOR_MIN_BYTES = 1024 - 33;

export const WEIGHTS_SHA256_KEY = 'simpleclick.weights_sha256';

export interface TemplateEntry {
  readonly file: string;
  readonly layout: string;
  readonly input_size: number;
  readonly weights_dtype: 'float32' | 'float16';
  readonly bytes: number;
  readonly sha256: string;
}

export interface TemplateLayout {
  readonly config: NetworkConfig;
  readonly state_dict: ReadonlyArray<readonly [string, readonly number[]]>;
}

export interface TemplateIndex {
  readonly directory: string;
  readonly format: number;
  readonly toolchain_version: string;
  readonly templates: readonly TemplateEntry[];
  readonly layouts: Readonly<Record<string, TemplateLayout>>;
}

/** Reads `<directory>/index.json`. @throws ConvertError when it is missing or malformed. */
export async function loadTemplateIndex(directory: string): Promise<TemplateIndex> {
  let text: string;
  try {
    text = await readFile(join(directory, 'index.json'), 'utf8');
  } catch (cause) {
    throw new ConvertError(`no graph templates in ${directory} (index.json: ${(cause as Error).message})`, { cause });
  }
  const data = JSON.parse(text) as Omit<TemplateIndex, 'directory'>;
  if (data.format !== 1 || !Array.isArray(data.templates) || typeof data.layouts !== 'object') {
    throw new ConvertError(`${join(directory, 'index.json')} is not a graph template index of format 1`);
  }
  return { ...data, directory };
}

/** The template for a layout, input size and dtype among `indexes` (first match), with its layout entry. */
export function findTemplate(
  indexes: readonly TemplateIndex[],
  config: NetworkConfig,
  inputSize: number,
  dtype: 'float32' | 'float16',
): { index: TemplateIndex; entry: TemplateEntry; layout: TemplateLayout } | undefined {
  for (const index of indexes) {
    for (const [label, layout] of Object.entries(index.layouts)) {
      if (!sameLayout(layout.config, config)) continue;
      const entry = index.templates.find(
        (t) => t.layout === label && t.input_size === inputSize && t.weights_dtype === dtype,
      );
      if (entry !== undefined) return { index, entry, layout };
    }
  }
  return undefined;
}

/** What the indexes offer, for error messages: "xtiny, base, large, huge at 448/672". */
export function describeTemplates(indexes: readonly TemplateIndex[]): string {
  const sizes = new Map<string, Set<number>>();
  for (const index of indexes) {
    for (const t of index.templates) {
      const set = sizes.get(t.layout) ?? new Set<number>();
      set.add(t.input_size);
      sizes.set(t.layout, set);
    }
  }
  return (
    [...sizes].map(([layout, set]) => `${layout} (${[...set].sort((a, b) => a - b).join('/')})`).join(', ') || 'none'
  );
}

interface TemplateInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly fields: readonly WireField[];
}

/** A parsed template. */
export class GraphTemplate {
  private constructor(
    private readonly topFields: readonly WireField[],
    private readonly graphFields: readonly WireField[],
    /** Per graph field: the initializer it is, if any. */
    private readonly initializerAt: ReadonlyMap<number, TemplateInitializer>,
    readonly initializers: readonly TemplateInitializer[],
    readonly metadata: ReadonlyMap<string, string>,
    readonly producerVersion: string | undefined,
  ) {}

  /** Reads and checks a template of an index. @throws ConvertError when it is missing or altered. */
  static async load(index: TemplateIndex, entry: TemplateEntry): Promise<GraphTemplate> {
    const path = join(index.directory, entry.file);
    let bytes: Uint8Array;
    try {
      bytes = gunzipSync(await readFile(path));
    } catch (cause) {
      throw new ConvertError(`cannot read the graph template ${path}: ${(cause as Error).message}`, { cause });
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== entry.sha256)
      throw new ConvertError(
        `the graph template ${path} is damaged (sha256 ${digest.slice(0, 12)}... is not the index's)`,
      );
    return GraphTemplate.parse(bytes);
  }

  /** Parses serialized template bytes (an uncompressed ModelProto). */
  static parse(bytes: Uint8Array): GraphTemplate {
    const topFields = readFields(bytes);
    const graph = topFields.filter((f) => f.number === MODEL_GRAPH);
    if (graph.length !== 1 || graph[0].payload === undefined)
      throw new ConvertError('a graph template without exactly one graph');
    const graphFields = readFields(graph[0].payload);
    const initializerAt = new Map<number, TemplateInitializer>();
    const initializers: TemplateInitializer[] = [];
    graphFields.forEach((f, position) => {
      if (f.number !== GRAPH_INITIALIZER || f.payload === undefined) return;
      const fields = readFields(f.payload);
      const nameField = fields.find((t) => t.number === TENSOR_NAME);
      const typeField = fields.find((t) => t.number === TENSOR_DATA_TYPE);
      if (nameField === undefined || typeField === undefined)
        throw new ConvertError('a template initializer without name or type');
      if (
        fields.some(
          (t) =>
            t.number === TENSOR_RAW_DATA ||
            t.number === TENSOR_EXTERNAL_DATA ||
            t.number === 4 ||
            t.number === 5 ||
            t.number === 7 ||
            t.number === 10,
        )
      ) {
        throw new ConvertError(`template initializer ${fieldText(nameField)} holds data (not a template)`);
      }
      const dims: number[] = [];
      for (const t of fields) {
        if (t.number !== TENSOR_DIMS) continue;
        if (t.varint !== undefined) dims.push(Number(t.varint));
        else if (t.payload !== undefined) for (const value of readPackedVarints(t.payload)) dims.push(value);
      }
      const initializer = { name: fieldText(nameField), dims, dataType: Number(typeField.varint), fields };
      initializerAt.set(position, initializer);
      initializers.push(initializer);
    });
    const metadata = new Map<string, string>();
    for (const f of topFields) {
      if (f.number !== MODEL_METADATA_PROPS || f.payload === undefined) continue;
      const entry = readFields(f.payload);
      const key = entry.find((e) => e.number === 1);
      const value = entry.find((e) => e.number === 2);
      metadata.set(key ? fieldText(key) : '', value ? fieldText(value) : '');
    }
    const producer = topFields.find((f) => f.number === MODEL_PRODUCER_VERSION);
    return new GraphTemplate(
      topFields,
      graphFields,
      initializerAt,
      initializers,
      metadata,
      producer ? fieldText(producer) : undefined,
    );
  }

  /** Bytes of all weights as stored (float32: 4 per element, float16: 2). */
  get weightBytes(): number {
    return this.initializers.reduce((sum, init) => sum + storedBytes(init), 0);
  }

  /**
   * Writes the filled model: `sink.model` receives the .onnx bytes in order, `sink.data` (external data) the
   * `.onnx.data` bytes. `tensor(name)` gives each initializer's float32 values (graph order, one at a time).
   * `metadata` holds the per-file keys (full names; `simpleclick.weights_sha256` is computed here).
   * @returns the weights sha256.
   * @throws ConvertError when a tensor is missing, has another shape or does not fit float16.
   */
  async fill(options: {
    tensor: (name: string) => Promise<Float32Array | undefined>;
    metadata: Readonly<Record<string, string>>;
    docString: string;
    externalDataLocation?: string;
    sink: { model: (chunk: Uint8Array) => Promise<void>; data?: (chunk: Uint8Array) => Promise<void> };
  }): Promise<string> {
    const { sink } = options;
    const external = options.externalDataLocation;
    if (external !== undefined && sink.data === undefined) throw new Error('external data needs a data sink');
    const hash = createHash('sha256');

    // Plan: the tensor fields of each initializer without its data, and the data's position.
    let dataOffset = 0;
    const plans = new Map<number, { head: Uint8Array; tail: Uint8Array; inline: boolean; bytes: number }>();
    for (const [position, init] of this.initializerAt) {
      const bytes = storedBytes(init);
      const toExternal = external !== undefined && bytes >= EXTERNAL_TENSOR_MIN_BYTES;
      let fields: WireField[];
      let head: Uint8Array;
      let tail: Uint8Array;
      if (toExternal) {
        const entries = [
          ['location', external],
          ['offset', String(dataOffset)],
          ['length', String(bytes)],
        ].map(([key, value]) =>
          lengthDelimitedField(
            TENSOR_EXTERNAL_DATA,
            concatBytes([stringField(1, key).encoded, stringField(2, value).encoded]),
          ),
        );
        fields = insertInOrder(init.fields, [...entries, varintField(TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL)]);
        head = concatBytes(fields.map((f) => f.encoded));
        tail = new Uint8Array(0);
        dataOffset += bytes;
      } else {
        const before = init.fields.filter((f) => f.number <= TENSOR_RAW_DATA);
        const after = init.fields.filter((f) => f.number > TENSOR_RAW_DATA);
        if (init.fields.some((f, i) => i > 0 && f.number < init.fields[i - 1].number)) {
          throw new ConvertError(`template initializer ${init.name} is not in field order`);
        }
        head = concatBytes([...before.map((f) => f.encoded), lengthDelimitedHeader(TENSOR_RAW_DATA, bytes)]);
        tail = concatBytes(after.map((f) => f.encoded));
      }
      const payloadLength = head.length + (toExternal ? 0 : bytes) + tail.length;
      plans.set(position, {
        head: concatBytes([lengthDelimitedHeader(GRAPH_INITIALIZER, payloadLength), head]),
        tail,
        inline: !toExternal,
        bytes,
      });
    }
    let graphLength = 0;
    this.graphFields.forEach((f, position) => {
      const plan = plans.get(position);
      graphLength +=
        plan === undefined ? f.encoded.length : plan.head.length + (plan.inline ? plan.bytes : 0) + plan.tail.length;
    });

    // Model fields before the graph (doc string replaced), then the graph, streamed.
    const withoutPerFile = this.topFields.filter(
      (f) => f.number !== MODEL_DOC_STRING && f.number !== MODEL_METADATA_PROPS,
    );
    const top = insertInOrder(withoutPerFile, [stringField(MODEL_DOC_STRING, options.docString)]);
    const graphIndex = top.findIndex((f) => f.number === MODEL_GRAPH);
    await sink.model(concatBytes(top.slice(0, graphIndex).map((f) => f.encoded)));
    await sink.model(lengthDelimitedHeader(MODEL_GRAPH, graphLength));
    for (let position = 0; position < this.graphFields.length; position++) {
      const plan = plans.get(position);
      if (plan === undefined) {
        await sink.model(this.graphFields[position].encoded);
        continue;
      }
      const init = this.initializerAt.get(position) as TemplateInitializer;
      const values = await options.tensor(init.name);
      if (values === undefined) throw new ConvertError(`the checkpoint has no tensor ${init.name}`);
      const count = init.dims.reduce((product, extent) => product * extent, 1);
      if (values.length !== count)
        throw new ConvertError(`tensor ${init.name} has ${values.length} values, the template expects ${count}`);
      const stored = encodeStored(init, values);
      hash.update(stored);
      await sink.model(plan.head);
      if (plan.inline) await sink.model(stored);
      else await (sink.data as (chunk: Uint8Array) => Promise<void>)(stored);
      await sink.model(plan.tail);
    }
    const sha256 = hash.digest('hex');

    // The rest of the model, with the metadata: template's + per-file, sorted by key (as the exporter writes it).
    const props = new Map(this.metadata);
    for (const [key, value] of Object.entries(options.metadata)) props.set(key, value);
    props.set(WEIGHTS_SHA256_KEY, sha256);
    const metadataFields = [...props.keys()]
      .sort(compareCodePoints)
      .map((key) =>
        lengthDelimitedField(
          MODEL_METADATA_PROPS,
          concatBytes([stringField(1, key).encoded, stringField(2, props.get(key) as string).encoded]),
        ),
      );
    const rest = insertInOrder(top.slice(graphIndex + 1), metadataFields);
    await sink.model(concatBytes(rest.map((f) => f.encoded)));
    return sha256;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function storedBytes(init: TemplateInitializer): number {
  const count = init.dims.reduce((product, extent) => product * extent, 1);
  if (init.dataType === ONNX_FLOAT) return count * 4;
  if (init.dataType === ONNX_FLOAT16) return count * 2;
  throw new ConvertError(`template initializer ${init.name} has an unsupported data type ${init.dataType}`);
}

/** The little-endian bytes of `values` in the initializer's type (fill_template's `astype`). */
function encodeStored(init: TemplateInitializer, values: Float32Array): Uint8Array {
  if (init.dataType === ONNX_FLOAT) {
    for (const value of values) {
      if (!Number.isFinite(value))
        throw new ConvertError(`tensor ${init.name} does not fit in float32 (it holds ${value})`);
    }
    if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    for (let index = 0; index < values.length; index++) view.setFloat32(index * 4, values[index], true);
    return out;
  }
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  let maxAbs = 0;
  let overflow = false;
  for (let index = 0; index < values.length; index++) {
    const bits = float32ToFloat16Bits(values[index]);
    if (!isFiniteFloat16(bits)) overflow = true;
    maxAbs = Math.max(maxAbs, Math.abs(values[index]));
    view.setUint16(index * 2, bits, true);
  }
  if (overflow)
    throw new ConvertError(`weight ${init.name} does not fit in float16 (max |w| ${maxAbs.toPrecision(3)})`);
  return out;
}

function readPackedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const byte of bytes) {
    value += (byte & 0x7f) * 2 ** shift;
    if (byte & 0x80) shift += 7;
    else {
      values.push(value);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Python's str ordering (code points), for sorted(metadata keys). */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index].codePointAt(0) as number) - (right[index].codePointAt(0) as number);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
