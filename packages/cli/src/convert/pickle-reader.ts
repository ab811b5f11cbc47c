/**
 * A pickle reader for PyTorch checkpoints that never executes anything.
 *
 * Python's unpickler imports the module named by every GLOBAL opcode and calls what REDUCE/NEWOBJ/BUILD point at;
 * that is how a pickle runs code. This reader only builds values: dict, list, tuple, str, bytes, int, float, bool
 * and None; a few known globals are rebuilt by code written here (`collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2` and relatives, the `torch.*Storage` types in persistent ids, `_codecs.encode`
 * for protocol-2 bytes); every other global becomes an inert {@link PickleGlobal}, and calling it (REDUCE, NEWOBJ)
 * gives an inert {@link PickleObject} that records its arguments and state. Nothing is imported, looked up by name
 * or called. The names it met are reported, so callers can say which classes they ignored.
 *
 * Opcodes: protocols 2 to 5 as `torch.save` writes them (it uses protocol 2), plus the common protocol-0/1 ones.
 * Anything else is refused with a {@link PickleError} naming the opcode and offset.
 */

/** A Python float (kept apart from int so that `isinstance(x, int)` checks can be reproduced). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** A Python dict (or OrderedDict): insertion-ordered; str/int/bool/None keys compare by value. */
export class PyDict {
  readonly entries = new Map<PickleKey, PickleValue>();
  get(key: string): PickleValue | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  set(key: PickleValue, value: PickleValue): void {
    this.entries.set(toKey(key), value);
  }
  keys(): PickleKey[] {
    return [...this.entries.keys()];
  }
}

/** A global this reader does not rebuild: `module.name`, inert. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object of a class this reader does not rebuild: what the pickle gave it, nothing run. */
export class PickleObject {
  state: PickleValue = null;
  readonly items = new Map<PickleKey, PickleValue>();
  readonly elements: PickleValue[] = [];
  constructor(
    readonly type: PickleGlobal,
    readonly args: readonly PickleValue[],
  ) {}
}

/** Element types of PyTorch storages. */
export type StorageDtype =
  'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Bytes per element. */
export const DTYPE_BYTES: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

const STORAGE_DTYPES: Readonly<Record<string, StorageDtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** A tensor storage of the checkpoint: the archive record `data/<key>`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StorageDtype,
    readonly numel: number,
  ) {}
}

/** A tensor: a view (offset, shape, strides in elements) of a storage. Its data is read later. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
  ) {}
  get numel(): number {
    return this.shape.reduce((product, extent) => product * extent, 1);
  }
}

export type PickleKey = PickleValue;
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | PyTuple
  | PyDict
  | PickleValue[]
  | PickleGlobal
  | PickleObject
  | StorageRef
  | TensorRef;

/** A pickle that this reader cannot read: malformed, cut short, or using an opcode it does not support. */
export class PickleError extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
    this.name = 'PickleError';
  }
}

/** The result of {@link readPickle}: the value and the globals that were left inert. */
export interface PickleResult {
  readonly value: PickleValue;
  /** Qualified names of the globals that were not rebuilt (sorted, unique). */
  readonly inertGlobals: readonly string[];
}

function toKey(key: PickleValue): PickleKey {
  if (key instanceof PyFloat) return Number.isInteger(key.value) ? key.value : key;
  if (typeof key === 'bigint' && key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER))
    return Number(key);
  return key;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/** Python's int() of a pickled number (for shapes, strides, offsets). */
function asIndex(value: PickleValue, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new PickleError(`tensor ${what} is not an integer`);
}

function asIndexList(value: PickleValue, what: string): number[] {
  const items = value instanceof PyTuple ? value.items : Array.isArray(value) ? value : undefined;
  if (items === undefined) throw new PickleError(`tensor ${what} is not a tuple`);
  return items.map((item) => asIndex(item, what));
}

/** Known callables, rebuilt here. Returns undefined when `fn` is not one of them. */
function callKnown(fn: PickleGlobal, args: readonly PickleValue[]): PickleValue | undefined {
  switch (fn.qualifiedName) {
    case 'collections.OrderedDict':
    case 'builtins.dict': {
      const dict = new PyDict();
      const source = args[0];
      if (source instanceof PyDict) for (const [key, value] of source.entries) dict.entries.set(key, value);
      return dict;
    }
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof StorageRef)) throw new PickleError('a tensor refers to something other than a storage');
      return new TensorRef(
        storage,
        asIndex(offset, 'offset'),
        asIndexList(size, 'size'),
        asIndexList(stride, 'stride'),
      );
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
    case 'torch.nn.parameter.Parameter':
      return args[0] ?? null;
    case 'torch._tensor._rebuild_from_type_v2': {
      // (func, type, args, state): a tensor subclass; rebuild the plain tensor when func is a known one.
      const [inner, , innerArgs] = args;
      if (inner instanceof PickleGlobal && innerArgs instanceof PyTuple) return callKnown(inner, innerArgs.items);
      return undefined;
    }
    case '_codecs.encode': {
      const [text, encoding] = args;
      if (typeof text === 'string' && (encoding === 'latin1' || encoding === 'latin-1')) {
        return Uint8Array.from(text, (character) => character.charCodeAt(0) & 0xff);
      }
      return undefined;
    }
    case 'builtins.set':
    case 'builtins.frozenset':
    case 'builtins.list':
    case 'builtins.tuple':
    case 'torch.Size': {
      const source = args[0];
      const items = source instanceof PyTuple ? [...source.items] : Array.isArray(source) ? [...source] : [];
      return fn.name === 'tuple' || fn.name === 'Size' ? new PyTuple(items) : items;
    }
    default:
      return undefined;
  }
}

/** The pickled value in `bytes`, built without running anything (module documentation). */
export function readPickle(bytes: Uint8Array): PickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const stack: StackItem[] = [];
  const metastack: StackItem[][] = [];
  const memo = new Map<number, PickleValue>();
  const inert = new Set<string>();
  let position = 0;
  let current = stack;

  const need = (count: number): void => {
    if (position + count > bytes.length) throw new PickleError('the pickle ends too early', true);
  };
  const u8 = (): number => {
    need(1);
    return bytes[position++];
  };
  const u16 = (): number => {
    need(2);
    const value = view.getUint16(position, true);
    position += 2;
    return value;
  };
  const u32 = (): number => {
    need(4);
    const value = view.getUint32(position, true);
    position += 4;
    return value;
  };
  const i32 = (): number => {
    need(4);
    const value = view.getInt32(position, true);
    position += 4;
    return value;
  };
  const u64 = (): number => {
    need(8);
    const value = view.getBigUint64(position, true);
    position += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError('length too large');
    return Number(value);
  };
  const take = (count: number): Uint8Array => {
    need(count);
    const out = bytes.subarray(position, position + count);
    position += count;
    return out;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, position);
    if (end < 0) throw new PickleError('the pickle ends too early', true);
    const text = decoder.decode(bytes.subarray(position, end));
    position = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    if (current.length === 0) throw new PickleError('stack underflow');
    const item = current.pop() as StackItem;
    if (item === MARK) throw new PickleError('unexpected mark');
    return item;
  };
  const top = (): PickleValue => {
    const item = current[current.length - 1];
    if (item === undefined || item === MARK) throw new PickleError('stack underflow');
    return item;
  };
  const popMark = (): PickleValue[] => {
    const items = current as PickleValue[];
    const previous = metastack.pop();
    if (previous === undefined) throw new PickleError('no mark');
    current = previous;
    return items;
  };
  const push = (value: PickleValue): void => {
    current.push(value);
  };
  const decodeLong = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0;
    let value = 0n;
    for (let index = raw.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(raw[index]);
    if (raw[raw.length - 1] & 0x80) value -= 1n << BigInt(raw.length * 8);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };
  // Python 2 module names, as Python 3's unpickler maps them (fix_imports) for protocol-2 pickles.
  const global = (module: string, name: string): PickleGlobal =>
    new PickleGlobal(module === '__builtin__' ? 'builtins' : module === 'copy_reg' ? 'copyreg' : module, name);
  const call = (fn: PickleValue, args: readonly PickleValue[]): PickleValue => {
    if (!(fn instanceof PickleGlobal)) {
      throw new PickleError('REDUCE/NEWOBJ on something that is not a class or function');
    }
    const known = callKnown(fn, args);
    if (known !== undefined) return known;
    inert.add(fn.qualifiedName);
    return new PickleObject(fn, args);
  };
  const setItems = (target: PickleValue, pairs: readonly PickleValue[]): void => {
    if (pairs.length % 2 !== 0) throw new PickleError('odd number of items for SETITEMS');
    for (let index = 0; index < pairs.length; index += 2) {
      if (target instanceof PyDict) target.set(pairs[index], pairs[index + 1]);
      else if (target instanceof PickleObject) target.items.set(toKey(pairs[index]), pairs[index + 1]);
      else throw new PickleError('SETITEM on something that is not a dict');
    }
  };
  const appendItems = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PickleObject) target.elements.push(...items);
    else throw new PickleError('APPEND on something that is not a list');
  };
  const persistentLoad = (pid: PickleValue): PickleValue => {
    const items = pid instanceof PyTuple ? pid.items : Array.isArray(pid) ? pid : undefined;
    if (items === undefined || items[0] !== 'storage')
      throw new PickleError('unsupported persistent id (not a tensor storage)');
    const [, type, key, , numel] = items;
    let dtype: StorageDtype | undefined;
    if (type instanceof PickleGlobal && type.module === 'torch') dtype = STORAGE_DTYPES[type.name];
    if (dtype === undefined) {
      const what = type instanceof PickleGlobal ? type.qualifiedName : typeof type;
      throw new PickleError(`unsupported storage type ${what}`);
    }
    if (typeof key !== 'string') throw new PickleError('storage key is not a string');
    return new StorageRef(key, dtype, asIndex(numel ?? 0, 'storage size'));
  };

  for (;;) {
    const offset = position;
    const opcode = u8();
    switch (opcode) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (current !== stack || stack.length !== 1) throw new PickleError('malformed pickle (stack at STOP)');
        return { value: pop(), inertGlobals: [...inert].sort() };
      case 0x28: // MARK
        metastack.push(current);
        current = [];
        break;
      case 0x30: // POP
        if (current.length === 0) throw new PickleError('stack underflow');
        current.pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4a: // BININT
        push(i32());
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x8a: // LONG1
        push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const length = i32();
        if (length < 0) throw new PickleError('negative LONG4 length');
        push(decodeLong(take(length)));
        break;
      }
      case 0x49: {
        // INT (protocol 0)
        const text = line().trim();
        if (text === '00') push(false);
        else if (text === '01') push(true);
        else push(decodeDecimal(text));
        break;
      }
      case 0x4c: // LONG (protocol 0)
        push(decodeDecimal(line().trim().replace(/L$/, '')));
        break;
      case 0x47: {
        // BINFLOAT: big-endian double
        need(8);
        push(new PyFloat(view.getFloat64(position, false)));
        position += 8;
        break;
      }
      case 0x46: // FLOAT (protocol 0)
        push(new PyFloat(Number.parseFloat(line())));
        break;
      case 0x58: // BINUNICODE
        push(decoder.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(decoder.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        push(decoder.decode(take(u64())));
        break;
      case 0x54: // BINSTRING (Python 2 str: bytes)
        push(latin1(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        push(latin1(take(u8())));
        break;
      case 0x42: // BINBYTES
        push(Uint8Array.from(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        push(Uint8Array.from(take(u8())));
        break;
      case 0x8e: // BINBYTES8
        push(Uint8Array.from(take(u64())));
        break;
      case 0x96: // BYTEARRAY8
        push(Uint8Array.from(take(u64())));
        break;
      case 0x7d: // EMPTY_DICT
        push(new PyDict());
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        push(new PyTuple([]));
        break;
      case 0x8f: // EMPTY_SET
        push([]);
        break;
      case 0x85: // TUPLE1
        push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const second = pop();
        push(new PyTuple([pop(), second]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const third = pop();
        const second = pop();
        push(new PyTuple([pop(), second, third]));
        break;
      }
      case 0x74: // TUPLE
        push(new PyTuple(popMark()));
        break;
      case 0x6c: // LIST
        push(popMark());
        break;
      case 0x91: // FROZENSET
        push(popMark());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const dict = new PyDict();
        setItems(dict, items);
        push(dict);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        appendItems(top(), [value]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: // PUT (protocol 0)
        memo.set(Number.parseInt(line(), 10), top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET
        const index = opcode === 0x68 ? u8() : opcode === 0x6a ? u32() : Number.parseInt(line(), 10);
        if (!memo.has(index)) throw new PickleError(`memo entry ${index} is missing`);
        push(memo.get(index) as PickleValue);
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL without names');
        push(global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        if (!(args instanceof PyTuple)) throw new PickleError('REDUCE arguments are not a tuple');
        push(call(fn, args.items));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) throw new PickleError('NEWOBJ arguments are not a tuple');
        push(call(cls, args.items));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop(); // kwargs
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) throw new PickleError('NEWOBJ_EX arguments are not a tuple');
        push(call(cls, args.items));
        break;
      }
      case 0x62: {
        // BUILD: set the state of the object below; never calls __setstate__
        const state = pop();
        const target = top();
        if (target instanceof PickleObject) target.state = state;
        // OrderedDict / tensors / plain values: a state adds nothing this reader needs.
        break;
      }
      case 0x51: // BINPERSID
        push(persistentLoad(pop()));
        break;
      case 0x50: // PERSID (protocol 0)
        throw new PickleError('text persistent ids are not supported');
      default:
        throw new PickleError(`unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')} at byte ${offset}`);
    }
  }
}

function latin1(raw: Uint8Array): string {
  let text = '';
  for (const byte of raw) text += String.fromCharCode(byte);
  return text;
}

function decodeDecimal(text: string): number | bigint {
  if (!/^[-+]?\d+$/.test(text)) throw new PickleError(`malformed integer ${JSON.stringify(text.slice(0, 20))}`);
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
