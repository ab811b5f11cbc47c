/**
 * What a SimpleClick checkpoint holds, read the way the Python toolchain reads it (python/simpleclick/checkpoint.py,
 * variants.py, provenance.py; keep them in step): which entry is the state dict, which layout the network has
 * (the `simpleclick` entry's config JSON, else the official serialized config, else the shapes), and whether and on
 * what the weights were trained (the file's own record, else a marked file-name guess, else unknown).
 */
import { ConvertError } from './convert-error';
import { PickleObject, PyDict, PyFloat, PyTuple, TensorRef, type PickleValue } from './pickle-reader';

/** The layout of a SimpleClick network (python/simpleclick/variants.py NetworkConfig). */
export interface NetworkConfig {
  readonly name: string;
  readonly patch_size: number;
  readonly embed_dim: number;
  readonly depth: number;
  readonly num_heads: number;
  readonly global_blocks: readonly number[];
  readonly neck_dims: readonly number[];
  readonly head_channels: number;
  readonly img_size: number;
  readonly window_tokens: number;
}

const WINDOW_SIZE_PX = 224;
const OFFICIAL_MODEL_CLASS_SUFFIX = 'PlainVitModel';
const SIMPLECLICK_KEY = 'simpleclick';
/** Keys every SimpleClick state dict has. */
export const SIGNATURE_KEYS = [
  'patch_embed_coords.proj.weight',
  'backbone.pos_embed',
  'backbone.patch_embed.proj.weight',
  'neck.down_4.0.weight',
  'head.conv_seg.weight',
] as const;

/** 0-based global-attention blocks as the official v1.0 code chooses them. */
export function officialGlobalBlocks(depth: number): number[] {
  const group = depth === 12 ? 6 : Math.max(1, Math.floor(depth / 4));
  const blocks: number[] = [];
  for (let index = 1; index <= depth; index++) if (index % group === 0) blocks.push(index - 1);
  return blocks;
}

function variant(
  name: string,
  patch: number,
  dim: number,
  depth: number,
  heads: number,
  neck: number[],
  head: number,
  imgSize = 448,
): NetworkConfig {
  return makeConfig({
    name,
    patch_size: patch,
    embed_dim: dim,
    depth,
    num_heads: heads,
    global_blocks: officialGlobalBlocks(depth),
    neck_dims: neck,
    head_channels: head,
    img_size: imgSize,
  });
}

/** A validated config (NetworkConfig.__post_init__); `window_tokens` defaults to 224 // patch. Throws Error. */
export function makeConfig(
  fields: Omit<NetworkConfig, 'window_tokens'> & { window_tokens?: number | null },
): NetworkConfig {
  const config: NetworkConfig = {
    ...fields,
    global_blocks: [...fields.global_blocks],
    neck_dims: [...fields.neck_dims],
    window_tokens: fields.window_tokens ?? Math.floor(WINDOW_SIZE_PX / fields.patch_size),
  };
  const ints = ['patch_size', 'embed_dim', 'depth', 'num_heads', 'head_channels', 'img_size', 'window_tokens'] as const;
  for (const key of ints) {
    const value = config[key];
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`NetworkConfig.${key} must be a positive integer, got ${String(value)}`);
  }
  if (typeof config.name !== 'string' || config.name === '')
    throw new Error('NetworkConfig.name must be a non-empty string');
  if (config.embed_dim % config.num_heads)
    throw new Error(`embed_dim ${config.embed_dim} is not divisible by num_heads ${config.num_heads}`);
  if (config.neck_dims.length !== 4 || config.neck_dims.some((c) => !Number.isInteger(c) || c <= 0)) {
    throw new Error(`neck_dims must be 4 positive integers, got (${config.neck_dims.join(', ')})`);
  }
  if (config.global_blocks.some((i) => !Number.isInteger(i) || i < 0 || i >= config.depth)) {
    throw new Error(`global_blocks (${config.global_blocks.join(', ')}) must lie in 0..${config.depth - 1}`);
  }
  if (new Set(config.global_blocks).size !== config.global_blocks.length)
    throw new Error('global_blocks has duplicates');
  if (config.img_size % config.patch_size)
    throw new Error(`img_size ${config.img_size} is not a multiple of patch_size ${config.patch_size}`);
  if (config.head_channels % 4) throw new Error(`head_channels ${config.head_channels} must be a multiple of 4`);
  return config;
}

/** The four released layouts. */
export const VARIANTS: Readonly<Record<string, NetworkConfig>> = {
  xtiny: variant('xtiny', 16, 160, 8, 4, [96, 192, 288, 384], 128),
  base: variant('base', 16, 768, 12, 12, [128, 256, 512, 1024], 256),
  large: variant('large', 16, 1024, 24, 16, [192, 384, 768, 1536], 256),
  huge: variant('huge', 14, 1280, 32, 16, [240, 480, 960, 1920], 256),
};
const OTHER_OFFICIAL_LAYOUTS: Readonly<Record<string, NetworkConfig>> = {
  base1024: variant('base1024', 16, 768, 12, 12, [256, 256, 256, 256], 256, 1024),
};

/** Same network, names aside. */
export function sameLayout(a: NetworkConfig, b: NetworkConfig): boolean {
  return (
    a.patch_size === b.patch_size &&
    a.embed_dim === b.embed_dim &&
    a.depth === b.depth &&
    a.num_heads === b.num_heads &&
    a.head_channels === b.head_channels &&
    a.img_size === b.img_size &&
    a.window_tokens === b.window_tokens &&
    a.global_blocks.length === b.global_blocks.length &&
    a.global_blocks.every((value, index) => value === b.global_blocks[index]) &&
    a.neck_dims.length === b.neck_dims.length &&
    a.neck_dims.every((value, index) => value === b.neck_dims[index])
  );
}

/** The released name whose layout equals `config` (any img_size), else `config.name` (variants.name_layout). */
export function nameLayout(config: NetworkConfig): string {
  for (const [name, known] of [...Object.entries(VARIANTS), ...Object.entries(OTHER_OFFICIAL_LAYOUTS)]) {
    if (config.img_size % known.patch_size !== 0) continue;
    if (sameLayout({ ...known, img_size: config.img_size }, config)) return name;
  }
  return config.name;
}

/** The `simpleclick.variant` value (export.variant_label). */
export function variantLabel(config: NetworkConfig): string {
  const label = nameLayout(config);
  const released = VARIANTS[config.name];
  if (
    label === config.name &&
    released !== undefined &&
    !sameLayout(released, { ...config, img_size: released.img_size })
  ) {
    return `${config.name}-custom`;
  }
  return label;
}

/** `NetworkConfig.to_json()`: compact, keys sorted, non-ASCII escaped (Python's json.dumps defaults). */
export function configJson(config: NetworkConfig): string {
  const ordered = {
    depth: config.depth,
    embed_dim: config.embed_dim,
    global_blocks: config.global_blocks,
    head_channels: config.head_channels,
    img_size: config.img_size,
    name: config.name,
    neck_dims: config.neck_dims,
    num_heads: config.num_heads,
    patch_size: config.patch_size,
    window_tokens: config.window_tokens,
  };
  return JSON.stringify(ordered).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Python semantics on pickled values
// ---------------------------------------------------------------------------------------------------------------

class PyValueError extends Error {}

function isMapping(value: PickleValue | undefined): value is PyDict {
  return value instanceof PyDict;
}

/** Python's int(value) for the plain values a config holds. */
function pyInt(value: PickleValue | undefined): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyFloat && Number.isFinite(value.value)) return Math.trunc(value.value);
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  throw new PyValueError(`invalid integer ${describe(value)}`);
}

function pyFloat(value: PickleValue | undefined): number {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return pyInt(value);
}

function pyTruthy(value: PickleValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === 0n || value === '')
    return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyTuple) return value.items.length > 0;
  if (value instanceof PyDict) return value.entries.size > 0;
  if (value instanceof Uint8Array) return value.length > 0;
  return true;
}

/** Python's `value == number` for numeric values (True == 1, 1.0 == 1). */
function numberEquals(value: PickleValue, number: number): boolean {
  if (typeof value === 'number') return value === number;
  if (typeof value === 'bigint') return value === BigInt(number);
  if (typeof value === 'boolean') return (value ? 1 : 0) === number;
  if (value instanceof PyFloat) return value.value === number;
  return false;
}

function sequence(value: PickleValue | undefined): readonly PickleValue[] | undefined {
  if (value instanceof PyTuple) return value.items;
  if (Array.isArray(value)) return value;
  return undefined;
}

function intList(value: PickleValue | undefined): number[] {
  const items = sequence(value);
  if (items === undefined) throw new PyValueError(`not a list: ${describe(value)}`);
  return items.map((item) => pyInt(item));
}

function describe(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof PyFloat) return String(value.value);
  if (value instanceof PickleObject) return `a ${value.type.qualifiedName}`;
  return typeof value === 'object' ? value.constructor.name : typeof value;
}

/** Python's type name of a top-level object, for "it holds a ..." messages. */
function pyTypeName(value: PickleValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'int';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof TensorRef) return 'Tensor';
  if (value instanceof PickleObject) return value.type.name;
  return 'object';
}

function keyText(key: unknown): string {
  return typeof key === 'string' ? key : String(key);
}

// ---------------------------------------------------------------------------------------------------------------
// Layout from the official config / from shapes
// ---------------------------------------------------------------------------------------------------------------

function param(config: PyDict, name: string, fallback: PickleValue = null): PickleValue {
  const params = config.get('params');
  const entry = isMapping(params) ? params.get(name) : undefined;
  if (isMapping(entry) && entry.has('value')) return entry.get('value') as PickleValue;
  return fallback;
}

function intPair(value: PickleValue | undefined, what: string): number {
  const items = sequence(value);
  if (items !== undefined) {
    if (items.length !== 2 || pyInt(items[0]) !== pyInt(items[1])) {
      throw new ConvertError(`unknown architecture: non-square ${what} (${items.map((v) => describe(v)).join(', ')})`);
    }
    return pyInt(items[0]);
  }
  return pyInt(value);
}

function field(mapping: PyDict, key: string): PickleValue {
  if (!mapping.has(key)) throw new PyValueError(`'${key}'`);
  return mapping.get(key) as PickleValue;
}

function getOr(mapping: PyDict, key: string, fallback: PickleValue): PickleValue {
  return mapping.has(key) ? (mapping.get(key) as PickleValue) : fallback;
}

/** NetworkConfig from an official serialized config (checkpoint.config_from_official). */
export function configFromOfficial(config: PyDict, name = 'custom'): NetworkConfig {
  const backbone = param(config, 'backbone_params');
  const neck = param(config, 'neck_params');
  const head = param(config, 'head_params');
  if (!isMapping(backbone) || !isMapping(neck) || !isMapping(head)) {
    throw new ConvertError('config has no backbone_params/neck_params/head_params');
  }
  let patch: number, imgSize: number, dim: number, depth: number, heads: number, outDims: number[], channels: number;
  try {
    patch = intPair(field(backbone, 'patch_size'), 'patch size');
    imgSize = intPair(field(backbone, 'img_size'), 'image size');
    dim = pyInt(field(backbone, 'embed_dim'));
    depth = pyInt(field(backbone, 'depth'));
    heads = pyInt(field(backbone, 'num_heads'));
    outDims = intList(field(neck, 'out_dims'));
    channels = pyInt(field(head, 'channels'));
  } catch (error) {
    if (error instanceof PyValueError)
      throw new ConvertError(`config lacks a field of the architecture: ${error.message}`);
    throw error;
  }
  const problems: string[] = [];
  try {
    if (pyFloat(getOr(backbone, 'mlp_ratio', 4)) !== 4)
      problems.push(`mlp_ratio ${describe(backbone.get('mlp_ratio'))}`);
    if (!pyTruthy(getOr(backbone, 'qkv_bias', true))) problems.push('qkv without bias');
    if (pyInt(getOr(backbone, 'in_chans', 3)) !== 3)
      problems.push(`${describe(backbone.get('in_chans'))} image channels`);
    if (pyInt(getOr(neck, 'in_dim', dim)) !== dim)
      problems.push(`neck in_dim ${describe(neck.get('in_dim'))} != embed_dim ${dim}`);
    const inChannels = intList(getOr(head, 'in_channels', outDims));
    if (inChannels.length !== outDims.length || inChannels.some((c, i) => c !== outDims[i]))
      problems.push('head in_channels != neck out_dims');
    const inIndex = sequence(getOr(head, 'in_index', [0, 1, 2, 3])) ?? [];
    if (inIndex.length !== 4 || inIndex.some((v, i) => !numberEquals(v, i))) {
      problems.push(`head in_index ${describe(head.get('in_index'))}`);
    }
    const upsample = getOr(head, 'upsample', 'x1');
    if (upsample !== 'x1') problems.push(`head upsample ${describe(upsample)} (only 'x1' models were released)`);
    if (pyInt(getOr(head, 'num_classes', 1)) !== 1) problems.push(`${describe(head.get('num_classes'))} classes`);
    if (pyTruthy(getOr(head, 'align_corners', false))) problems.push('head align_corners=True');
  } catch (error) {
    if (error instanceof PyValueError) throw new ConvertError(`config has an unreadable field: ${error.message}`);
    throw error;
  }
  if (param(config, 'with_prev_mask', true) !== true) problems.push('no previous-mask input (2 click channels)');
  if (pyTruthy(param(config, 'random_split', false))) problems.push('random_split training forward');
  if (outDims.length !== 4) problems.push(`${outDims.length} pyramid levels`);
  if (problems.length > 0) throw new ConvertError(`unknown architecture: ${problems.join('; ')}`);
  let candidate: NetworkConfig;
  try {
    candidate = makeConfig({
      name,
      patch_size: patch,
      embed_dim: dim,
      depth,
      num_heads: heads,
      global_blocks: depth > 0 ? officialGlobalBlocks(depth) : [],
      neck_dims: outDims,
      head_channels: channels,
      img_size: imgSize,
      window_tokens: Math.floor(WINDOW_SIZE_PX / patch),
    });
  } catch (error) {
    throw new ConvertError(`unknown architecture: ${(error as Error).message}`);
  }
  return { ...candidate, name: nameLayout(candidate) };
}

/** Layout inferred from tensor shapes (checkpoint.config_from_state_dict). */
export function configFromStateDict(state: ReadonlyMap<string, TensorRef>, name = 'custom'): NetworkConfig {
  const shape = (key: string, axis: number): number => {
    const tensor = state.get(key);
    if (tensor === undefined || tensor.shape.length <= axis) {
      throw new ConvertError(`cannot infer the architecture from the state dict: missing '${key}'`);
    }
    return tensor.shape[axis];
  };
  const patchWeight = state.get('backbone.patch_embed.proj.weight');
  if (patchWeight !== undefined && patchWeight.shape.length !== 4) {
    throw new ConvertError(
      'cannot infer the architecture from the state dict: missing backbone.patch_embed.proj.weight of rank 4',
    );
  }
  const dim = shape('backbone.patch_embed.proj.weight', 0);
  const patch = shape('backbone.patch_embed.proj.weight', 2);
  const tokens = shape('backbone.pos_embed', 1) - 1;
  const neckDims = [
    shape('neck.down_4.5.weight', 0),
    shape('neck.down_8.2.weight', 0),
    shape('neck.down_16.0.weight', 0),
    shape('neck.down_32.2.weight', 0),
  ];
  const channels = shape('head.conv_seg.weight', 1);
  const blocks = new Set<number>();
  for (const key of state.keys()) {
    const match = /^backbone\.blocks\.(\d+)\./.exec(key);
    if (match) blocks.add(Number(match[1]));
  }
  const depth = blocks.size > 0 ? Math.max(...blocks) + 1 : 0;
  const grid = Math.round(Math.sqrt(Math.max(tokens, 0)));
  if (grid * grid !== tokens || depth === 0) {
    throw new ConvertError(`cannot infer the architecture: ${tokens} position tokens, ${depth} blocks`);
  }
  const sameTrunk = Object.values(VARIANTS).filter(
    (v) => v.patch_size === patch && v.embed_dim === dim && v.depth === depth,
  );
  if (sameTrunk.length === 0) {
    throw new ConvertError(
      `cannot infer the number of attention heads of a ${depth}-block, ${dim}-wide ViT with patch ${patch} from shapes; it needs the checkpoint's config`,
    );
  }
  let candidate: NetworkConfig;
  try {
    candidate = makeConfig({
      name,
      patch_size: patch,
      embed_dim: dim,
      depth,
      num_heads: sameTrunk[0].num_heads,
      global_blocks: officialGlobalBlocks(depth),
      neck_dims: neckDims,
      head_channels: channels,
      img_size: grid * patch,
    });
  } catch (error) {
    throw new ConvertError(`unknown architecture: ${(error as Error).message}`);
  }
  return { ...candidate, name: nameLayout(candidate) };
}

/** NetworkConfig.from_json. */
function configFromJson(text: string): NetworkConfig {
  const data = JSON.parse(text) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error('NetworkConfig JSON must be an object');
  const known = new Set([
    'name',
    'patch_size',
    'embed_dim',
    'depth',
    'num_heads',
    'global_blocks',
    'neck_dims',
    'head_channels',
    'img_size',
    'window_tokens',
  ]);
  const unknown = Object.keys(data)
    .filter((key) => !known.has(key))
    .sort();
  if (unknown.length > 0) throw new Error(`unknown NetworkConfig field(s): ${unknown.join(', ')}`);
  const record = data as Record<string, unknown>;
  for (const required of [
    'name',
    'patch_size',
    'embed_dim',
    'depth',
    'num_heads',
    'global_blocks',
    'neck_dims',
    'head_channels',
  ]) {
    if (!(required in record)) throw new Error(`missing NetworkConfig field ${required}`);
  }
  if (!Array.isArray(record.global_blocks) || !Array.isArray(record.neck_dims))
    throw new Error('global_blocks and neck_dims must be lists');
  return makeConfig({
    name: record.name as string,
    patch_size: record.patch_size as number,
    embed_dim: record.embed_dim as number,
    depth: record.depth as number,
    num_heads: record.num_heads as number,
    global_blocks: record.global_blocks as number[],
    neck_dims: record.neck_dims as number[],
    head_channels: record.head_channels as number,
    img_size: (record.img_size as number | undefined) ?? 448,
    window_tokens: (record.window_tokens as number | null | undefined) ?? null,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Provenance (python/simpleclick/provenance.py)
// ---------------------------------------------------------------------------------------------------------------

export interface Provenance {
  readonly trained: boolean | null;
  readonly trainedBasis: string;
  readonly trainingData: string;
  readonly trainingDataBasis: string;
}

const OFFICIAL_RELEASE_NAME = /^(sbd|cocolvis)_vit_(xtiny|base|large|huge)\.pth$/i;
const GUESS_NOTE = '(guessed from the file name)';

function trainingDataFromName(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.startsWith('cocolvis')) return 'COCO+LVIS';
  if (lower.startsWith('sbd')) return 'SBD';
  return undefined;
}

/** Python's str.strip() (ASCII and Unicode whitespace). */
function pyStrip(text: string): string {
  // eslint-disable-next-line no-control-regex -- \x1c-\x1f are the separators Python's str.strip() removes too.
  return text.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g, '');
}

/** checkpoint_provenance(checkpoint, file_name). */
export function checkpointProvenance(checkpoint: PyDict, fileName: string): Provenance {
  const oursValue = checkpoint.get(SIMPLECLICK_KEY);
  const ours = isMapping(oursValue) ? oursValue : new PyDict();
  let trained: boolean | null = null;
  let trainedBasis = 'unknown';
  const recorded = ours.get('trained');
  const step = checkpoint.get('step');
  if (typeof recorded === 'boolean') {
    trained = recorded;
    trainedBasis = 'checkpoint';
  } else if (typeof step === 'number' || typeof step === 'bigint') {
    trained = step > 0;
    trainedBasis = 'checkpoint';
  } else if (OFFICIAL_RELEASE_NAME.test(fileName)) {
    trained = true;
    trainedBasis = 'file-name guess';
  }
  const data = ours.get('training_data');
  let trainingData: string;
  let trainingDataBasis: string;
  const guessed = trainingDataFromName(fileName);
  if (typeof data === 'string' && pyStrip(data) !== '') {
    trainingData = pyStrip(data);
    trainingDataBasis = 'checkpoint';
  } else if (guessed !== undefined) {
    trainingData = `${guessed} ${GUESS_NOTE}`;
    trainingDataBasis = 'file-name guess';
  } else {
    trainingData = 'unknown';
    trainingDataBasis = 'unknown';
  }
  return { trained, trainedBasis, trainingData, trainingDataBasis };
}

// ---------------------------------------------------------------------------------------------------------------
// The checkpoint
// ---------------------------------------------------------------------------------------------------------------

/** A SimpleClick checkpoint as the Python loader sees it. */
export interface CheckpointModel {
  readonly state: ReadonlyMap<string, TensorRef>;
  readonly config: NetworkConfig;
  readonly configSource: 'simpleclick config' | 'checkpoint config' | 'state-dict shapes';
  readonly modelClass: string | null;
  readonly provenance: Provenance;
  readonly extraKeys: readonly string[];
}

/**
 * Interprets the unpickled top-level object of `fileName` (checkpoint.load_official_checkpoint, up to the shape
 * check, which needs the layout's key list: see {@link checkStateDictShapes}).
 * @throws ConvertError with the Python loader's reasons.
 */
export function interpretCheckpoint(object: PickleValue, fileName: string): CheckpointModel {
  const name = fileName;
  if (Array.isArray(object))
    throw new ConvertError(`${name} holds a list of ${object.length} models; pass a single-model checkpoint`);
  if (!isMapping(object))
    throw new ConvertError(`${name} is not a SimpleClick checkpoint (it holds a ${pyTypeName(object)})`);
  let stateValue: PickleValue;
  let config: PickleValue = null;
  let extraKeys: string[] = [];
  const hasStateDict = object.has('state_dict');
  if (hasStateDict) {
    stateValue = object.get('state_dict') as PickleValue;
    config = object.get('config') ?? null;
    extraKeys = object
      .keys()
      .map(keyText)
      .filter((k) => k !== 'state_dict' && k !== 'config' && k !== SIMPLECLICK_KEY)
      .sort();
  } else if (object.entries.size > 0 && [...object.entries.values()].every((v) => v instanceof TensorRef)) {
    stateValue = object;
  } else {
    const keys = object.keys().map(keyText).sort().slice(0, 5).join(', ');
    const hint = object.has('model') ? ' (this looks like MAE pre-trained backbone weights)' : '';
    throw new ConvertError(`${name} is not a SimpleClick checkpoint: no 'state_dict' entry (keys: ${keys})${hint}`);
  }
  if (!isMapping(stateValue) || ![...stateValue.entries.values()].every((v) => v instanceof TensorRef)) {
    throw new ConvertError(`${name} is not a SimpleClick checkpoint: its 'state_dict' is not a tensor mapping`);
  }
  const state = new Map<string, TensorRef>();
  for (const [key, value] of stateValue.entries) state.set(keyText(key), value as TensorRef);

  let modelClass: string | null = null;
  if (isMapping(config)) {
    const value = config.get('class');
    if (value !== undefined && value !== null) modelClass = typeof value === 'string' ? value : describe(value);
  }
  if (modelClass !== null && !modelClass.endsWith(OFFICIAL_MODEL_CLASS_SUFFIX)) {
    throw new ConvertError(`${name} is not a SimpleClick checkpoint: it holds a ${modelClass} model`);
  }
  const absent = SIGNATURE_KEYS.filter((key) => !state.has(key));
  if (absent.length > 0) {
    throw new ConvertError(
      `${name} is not a SimpleClick checkpoint: its state dict lacks ${absent[0]}${modelClass ? ` (model class ${modelClass})` : ''}`,
    );
  }

  const ours = hasStateDict ? object.get(SIMPLECLICK_KEY) : undefined;
  let networkConfig: NetworkConfig;
  let configSource: CheckpointModel['configSource'];
  if (isMapping(ours) && typeof ours.get('config') === 'string') {
    try {
      networkConfig = configFromJson(ours.get('config') as string);
    } catch (error) {
      throw new ConvertError(`${name}: invalid simpleclick config: ${(error as Error).message}`);
    }
    configSource = 'simpleclick config';
  } else if (isMapping(config) && config.has('params')) {
    networkConfig = configFromOfficial(config);
    configSource = 'checkpoint config';
  } else {
    networkConfig = configFromStateDict(state);
    configSource = 'state-dict shapes';
  }
  const provenance = checkpointProvenance(hasStateDict ? object : new PyDict(), fileName);
  return { state, config: networkConfig, configSource, modelClass, provenance, extraKeys };
}

/**
 * The strict load's check (checkpoint._shape_mismatches): the state dict must have exactly the layout's keys, with
 * its shapes. `expected` is the layout's full state dict (key, shape), as the template index records it.
 * @throws ConvertError naming the first missing / unexpected / mismatched key.
 */
export function checkStateDictShapes(
  model: CheckpointModel,
  expected: ReadonlyArray<readonly [string, readonly number[]]>,
  fileName: string,
): void {
  const expectedMap = new Map(expected.map(([key, shape]) => [key, shape]));
  const missing = expected.filter(([key]) => !model.state.has(key)).map(([key]) => key);
  const unexpected = [...model.state.keys()].filter((key) => !expectedMap.has(key));
  const wrong: string[] = [];
  for (const [key, shape] of expected) {
    const tensor = model.state.get(key);
    if (
      tensor !== undefined &&
      (tensor.shape.length !== shape.length || tensor.shape.some((extent, i) => extent !== shape[i]))
    ) {
      wrong.push(`${key} ${pyShape(tensor.shape)} (expected ${pyShape(shape)})`);
    }
  }
  const parts: string[] = [];
  if (missing.length) parts.push(`${missing.length} missing key(s) e.g. ${missing[0]}`);
  if (unexpected.length) parts.push(`${unexpected.length} unexpected key(s) e.g. ${unexpected[0]}`);
  if (wrong.length) parts.push(`${wrong.length} shape mismatch(es) e.g. ${wrong[0]}`);
  if (parts.length > 0) {
    throw new ConvertError(
      `${fileName}: state dict does not match its ${model.configSource} (${model.config.name}): ${parts.join('; ')}`,
    );
  }
}

function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
