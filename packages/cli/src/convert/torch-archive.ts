import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import yauzl from 'yauzl';
import { ConvertError } from './convert-error';
import {
  PickleError,
  readPickle,
  type PickleResult,
  type PickleValue,
  type TensorRef,
  DTYPE_BYTES,
} from './pickle-reader';

/**
 * A PyTorch checkpoint file (`torch.save` since PyTorch 1.6: a zip archive holding `<folder>/data.pkl`, the pickled
 * object, and `<folder>/data/<key>`, the raw little-endian bytes of each tensor storage). The archive is read with
 * yauzl through a file descriptor, so files larger than a Node buffer (ViT-H: 2.6 GB) are read one storage at a
 * time. The older non-zip format (a bare pickle stream) is refused with a clear error.
 */
export class TorchArchive {
  private constructor(
    readonly fileName: string,
    private readonly zip: yauzl.ZipFile,
    private readonly entries: ReadonlyMap<string, yauzl.Entry>,
    private readonly prefix: string,
    /** The pickled object and the globals left inert. */
    readonly pickle: PickleResult,
  ) {}

  /** The checkpoint's object. */
  get value(): PickleValue {
    return this.pickle.value;
  }

  /**
   * Opens `path` and reads its pickle (not the tensor data).
   * @throws ConvertError (missing, empty, truncated or corrupt file, legacy format, unreadable pickle).
   */
  static async open(path: string): Promise<TorchArchive> {
    const name = basename(path);
    const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
      throw new ConvertError(
        cause.code === 'ENOENT'
          ? `checkpoint not found: ${path}`
          : `cannot read the checkpoint ${path}: ${cause.message}`,
        { cause },
      );
    });
    if (!info.isFile()) throw new ConvertError(`checkpoint is not a file: ${path}`);
    if (info.size === 0) throw new ConvertError(`${name} is empty`);
    const head = Buffer.alloc(4);
    const handle = await openFile(path, 'r');
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    if (!head.equals(Buffer.from('PK\x03\x04', 'latin1'))) {
      if (head[0] === 0x80) {
        throw new ConvertError(
          `${name} uses PyTorch's legacy (before 1.6) file format, which convert does not read: re-save it with ` +
            'torch.save in PyTorch >= 1.6, or convert it with the Python exporter (python/README.md)',
        );
      }
      throw new ConvertError(`${name} is not a PyTorch checkpoint (not a zip archive)`);
    }
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, file) =>
          error ? reject(error) : resolve(file),
        ),
      );
    } catch (cause) {
      throw new ConvertError(`${name} is truncated or corrupt (its zip archive cannot be read: ${firstLine(cause)})`, {
        cause,
      });
    }
    try {
      const entries = await listEntries(zip);
      const pickles = [...entries.keys()].filter((key) => /^[^/]+\/data\.pkl$/.test(key));
      if (pickles.length !== 1) {
        throw new ConvertError(`${name} is not a PyTorch checkpoint (its zip archive has no <folder>/data.pkl)`);
      }
      const prefix = pickles[0].slice(0, -'data.pkl'.length);
      const byteorder = entries.get(`${prefix}byteorder`);
      if (byteorder !== undefined) {
        const order = new TextDecoder().decode(await readEntry(zip, byteorder, name)).trim();
        if (order !== 'little')
          throw new ConvertError(`${name} stores its tensors ${order}-endian; convert reads little-endian files only`);
      }
      const pickleBytes = await readEntry(zip, entries.get(pickles[0]) as yauzl.Entry, name);
      let pickle: PickleResult;
      try {
        pickle = readPickle(pickleBytes);
      } catch (cause) {
        if (cause instanceof PickleError) {
          throw new ConvertError(`${name} is truncated or corrupt (${cause.message})`, { cause });
        }
        throw cause;
      }
      return new TorchArchive(name, zip, entries, prefix, pickle);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /**
   * The values of a tensor as float32 (converted from its storage's type exactly as `tensor.to(torch.float32)`),
   * in row-major order (any strides).
   * @throws ConvertError when the storage is missing or too short.
   */
  async readFloat32(tensor: TensorRef, what: string): Promise<Float32Array> {
    const storage = tensor.storage;
    const entry = this.entries.get(`${this.prefix}data/${storage.key}`);
    if (entry === undefined)
      throw new ConvertError(`${this.fileName} is truncated or corrupt (the data of ${what} is missing)`);
    const elementBytes = DTYPE_BYTES[storage.dtype];
    const raw = await readEntry(this.zip, entry, this.fileName);
    const available = Math.floor(raw.length / elementBytes);
    const count = tensor.numel;
    const out = new Float32Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read = elementReader(storage.dtype, view);
    const shape = tensor.shape;
    const strides = tensor.strides;
    const rank = shape.length;
    // Every element index the view touches must lie in the storage (strides may be negative in a crafted file).
    let first = tensor.offset;
    let last = tensor.offset;
    for (let axis = 0; axis < rank; axis++) {
      if (shape[axis] <= 0) continue;
      const span = (shape[axis] - 1) * strides[axis];
      if (span < 0) first += span;
      else last += span;
    }
    if (count > 0 && (first < 0 || last >= available || shape.some((extent) => extent < 0))) {
      throw new ConvertError(`${this.fileName} is truncated or corrupt (${what} lies outside its storage)`);
    }
    const contiguous = isContiguous(shape, strides);
    if (contiguous && storage.dtype === 'float32' && LITTLE_ENDIAN) {
      // The common case: copy the bytes (the entry's buffer need not be 4-byte aligned).
      new Uint8Array(out.buffer).set(raw.subarray(tensor.offset * 4, (tensor.offset + count) * 4));
      return out;
    }
    if (contiguous) {
      for (let index = 0; index < count; index++) out[index] = read(tensor.offset + index);
      return out;
    }
    const counter = new Array<number>(rank).fill(0);
    let source = tensor.offset;
    for (let index = 0; index < count; index++) {
      out[index] = read(source);
      for (let axis = rank - 1; axis >= 0; axis--) {
        counter[axis]++;
        source += strides[axis];
        if (counter[axis] < shape[axis]) break;
        source -= strides[axis] * shape[axis];
        counter[axis] = 0;
      }
    }
    return out;
  }

  close(): void {
    this.zip.close();
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && strides[axis] !== expected) return false;
    expected *= shape[axis];
  }
  return true;
}

const F16_SCRATCH = new Float32Array(1);
const F16_SCRATCH_BITS = new Uint32Array(F16_SCRATCH.buffer);

/** Exact float16 -> float32. */
export function float16BitsToFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) {
    const magnitude = mantissa * 2 ** -24; // subnormal (exact in float32)
    return sign ? -magnitude : magnitude;
  }
  if (exponent === 0x1f) F16_SCRATCH_BITS[0] = sign | 0x7f800000 | (mantissa << 13);
  else F16_SCRATCH_BITS[0] = sign | ((exponent + 112) << 23) | (mantissa << 13);
  return F16_SCRATCH[0];
}

function elementReader(dtype: keyof typeof DTYPE_BYTES, view: DataView): (index: number) => number {
  switch (dtype) {
    case 'float32':
      return (index) => view.getFloat32(index * 4, true);
    case 'float16':
      return (index) => float16BitsToFloat32(view.getUint16(index * 2, true));
    case 'bfloat16':
      return (index) => {
        F16_SCRATCH_BITS[0] = view.getUint16(index * 2, true) << 16;
        return F16_SCRATCH[0];
      };
    case 'float64':
      return (index) => Math.fround(view.getFloat64(index * 8, true));
    case 'int64':
      return (index) => Math.fround(Number(view.getBigInt64(index * 8, true)));
    case 'int32':
      return (index) => Math.fround(view.getInt32(index * 4, true));
    case 'int16':
      return (index) => view.getInt16(index * 2, true);
    case 'int8':
      return (index) => view.getInt8(index);
    case 'uint8':
    case 'bool':
      return (index) => view.getUint8(index);
  }
}

async function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  }).catch((cause) => {
    throw new ConvertError(
      `the checkpoint is truncated or corrupt (its zip directory cannot be read: ${firstLine(cause)})`,
      { cause },
    );
  });
  return entries;
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, fileName: string): Promise<Uint8Array> {
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, readStream) => (error ? reject(error) : resolve(readStream))),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  } catch (cause) {
    throw new ConvertError(`${fileName} is truncated or corrupt (${entry.fileName}: ${firstLine(cause)})`, { cause });
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}
