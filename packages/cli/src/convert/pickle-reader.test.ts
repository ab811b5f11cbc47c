import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { float32ToFloat16Bits } from './float16';
import { PickleError, PickleObject, PyDict, PyFloat, PyTuple, readPickle } from './pickle-reader';

// Pickles written by CPython's pickle.dumps (hex), so this test needs no Python.
const MARKER = '/tmp/SIMPLECLICK_PWNED_MARKER';
/** class Evil: __reduce__ -> (os.system, ("touch " + MARKER,)); protocol 2 (as torch.save). */
const EVIL =
  '800263706f7369780a73797374656d0a71005823000000746f756368202f746d702f53494d504c45434c49434b5f50574e45445f4d41524b455271018571025271032e';
/** {'state_dict': {}, 'config': Evil()}, protocol 2. */
const EVIL_DICT =
  '80027d710028580a00000073746174655f6469637471017d71025806000000636f6e666967710363706f7369780a73797374656d0a71045823000000746f756368202f746d702f53494d504c45434c49434b5f50574e45445f4d41524b45527105857106527107752e';
/** [EvilEval()] with __reduce__ -> (builtins.eval, ("__import__('os').system('touch ...')",)), protocol 4 (STACK_GLOBAL, FRAME, MEMOIZE). */
const EVIL_EVAL4 =
  '8004955d000000000000005d948c086275696c74696e73948c046576616c9493948c3e5f5f696d706f72745f5f28276f7327292e73797374656d2827746f756368202f746d702f53494d504c45434c49434b5f50574e45445f4d41524b455227299485945294612e';
/** {'a': [1, 2.5, True, None, 'xé', b'\x00\xff', (1, 2), 2**70, -5, -300, 65536], 'od': OrderedDict(k=1, j=(3,)), 's': {7}} */
const PLAIN2 =
  '80027d71002858010000006171015d7102284b01474004000000000000884e580300000078c3a97103635f636f646563730a656e636f64650a7104580300000000c3bf710558060000006c6174696e3171068671075271084b014b028671098a090000000000000000404afbffffff4ad4feffff4a000001006558020000006f64710a63636f6c6c656374696f6e730a4f726465726564446963740a710b2952710c2858010000006b710d4b0158010000006a710e4b0385710f755801000000737110635f5f6275696c74696e5f5f0a7365740a71115d71124b0761857113527114752e';
const PLAIN5 =
  '80059585000000000000007d94288c0161945d94284b01474004000000000000884e8c0378c3a994430200ff944b014b0286948a090000000000000000404afbffffff4ad4feffff4a00000100658c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c016b944b018c016a944b038594758c0173948f94284b0790752e';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('readPickle: plain values', () => {
  it.each([
    ['protocol 2', PLAIN2],
    ['protocol 5', PLAIN5],
  ])('%s', (_, hex) => {
    const { value, inertGlobals } = readPickle(bytes(hex));
    expect(inertGlobals).toEqual([]);
    expect(value).toBeInstanceOf(PyDict);
    const dict = value as PyDict;
    const a = dict.get('a') as unknown[];
    expect(a.slice(0, 5)).toEqual([1, new PyFloat(2.5), true, null, 'xé']);
    expect(Buffer.from(a[5] as Uint8Array).toString('hex')).toBe('00ff');
    expect(a[6]).toEqual(new PyTuple([1, 2]));
    expect(a.slice(7)).toEqual([2n ** 70n, -5, -300, 65536]);
    const od = dict.get('od') as PyDict;
    expect(od.keys()).toEqual(['k', 'j']);
    expect(od.get('j')).toEqual(new PyTuple([3]));
    expect(dict.get('s')).toEqual([7]);
  });
});

describe('readPickle: nothing is executed', () => {
  it.each([
    ['os.system via GLOBAL + REDUCE', EVIL, 'posix.system'],
    ['os.system inside a checkpoint-like dict', EVIL_DICT, 'posix.system'],
    ['builtins.eval via STACK_GLOBAL (protocol 4)', EVIL_EVAL4, 'builtins.eval'],
  ])('%s: an inert object, no side effect', (_, hex, name) => {
    rmSync(MARKER, { force: true });
    const { value, inertGlobals } = readPickle(bytes(hex));
    expect(inertGlobals).toEqual([name]);
    const found: PickleObject[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof PickleObject) found.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v instanceof PyDict) [...v.entries.values()].forEach(walk);
    };
    walk(value);
    expect(found).toHaveLength(1);
    expect(found[0].type.qualifiedName).toBe(name);
    expect(found[0].args[0]).toEqual(expect.stringContaining('touch /tmp/SIMPLECLICK_PWNED_MARKER'));
    expect(existsSync(MARKER)).toBe(false);
  });

  it('truncated and malformed pickles are typed errors', () => {
    const full = bytes(PLAIN2);
    for (const cut of [1, 10, full.length - 1]) {
      expect(() => readPickle(full.subarray(0, cut))).toThrow(PickleError);
    }
    expect(() => readPickle(Uint8Array.from([0x80, 0x02, 0xff]))).toThrow(/unsupported pickle opcode 0xff at byte 2/);
  });
});

describe('float32ToFloat16Bits', () => {
  // [float32 bits, numpy's astype(np.float16) bits]: edge cases (ties, overflow, subnormals, infinities) and random values.
  const VECTORS = [
    [0, 0],
    [2147483648, 32768],
    [1065353216, 15360],
    [1199562752, 31743],
    [1199566845, 31743],
    [1199566848, 31744],
    [1315859240, 31744],
    [3463342888, 64512],
    [947903040, 1023],
    [864025317, 1],
    [855636709, 0],
    [855638016, 0],
    [855638017, 1],
    [786163455, 0],
    [1036831949, 11878],
    [1051372203, 13653],
    [3223322624, 49408],
    [1065361408, 15361],
    [1065357312, 15360],
    [1065365504, 15362],
    [943718400, 768],
    [2139095040, 31744],
    [4286578688, 64512],
    [1018828807, 9681],
    [3070741801, 32904],
    [1047890268, 13228],
    [926166413, 180],
    [3114293735, 36099],
    [1155246707, 26333],
    [914452148, 65],
    [1063569844, 15142],
    [2998355644, 32768],
    [3295881525, 58265],
    [3269399591, 55033],
    [876742077, 3],
    [3319996300, 61209],
    [2974411239, 32768],
    [3103560424, 34789],
    [3024531658, 32771],
    [3137689199, 38955],
    [3264747152, 54465],
    [901166474, 23],
    [843255811, 0],
    [3102264728, 34630],
    [903409778, 27],
    [3000429628, 32768],
    [1034707691, 11619],
    [937244631, 442],
    [1054379349, 14020],
    [3044263240, 32783],
    [3333937093, 62911],
    [3102386323, 34645],
    [845418379, 0],
    [3214107425, 48283],
    [3310276108, 60022],
    [3118653875, 36631],
    [1184944180, 29959],
    [998270729, 7171],
    [974908641, 4319],
    [3205471241, 47229],
    [3331121038, 62567],
    [1187156431, 30229],
    [1006211383, 8141],
  ];
  it('rounds as numpy does', () => {
    const scratch = new Float32Array(1);
    const bits = new Uint32Array(scratch.buffer);
    for (const [f32, f16] of VECTORS) {
      bits[0] = f32;
      expect(float32ToFloat16Bits(scratch[0]), `float32 bits ${f32}`).toBe(f16);
    }
  });
});
