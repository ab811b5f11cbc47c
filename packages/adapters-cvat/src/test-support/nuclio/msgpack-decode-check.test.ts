import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeMsgpack } from './msgpack-encode';

const PYTHON = '/usr/bin/python3';
const STANDIN = new URL('./standin-wrapper.py', import.meta.url).pathname;

describe.skipIf(!existsSync(PYTHON))('test MessagePack encoder against the stand-in wrapper decoder', () => {
  it('round-trips every kind of value, including lengths past each size class', () => {
    const value = {
      small: 'é',
      str8: 'a'.repeat(40),
      str16: 'b'.repeat(300),
      str32: 'c'.repeat(70_000),
      bin8: new Uint8Array([1, 2, 3]),
      bin32: new Uint8Array(70_000).fill(7),
      ints: [0, 127, 128, -1, -32, -33, 65_536, 2 ** 40, -(2 ** 40)],
      nil: null,
      yes: true,
      no: false,
      map16: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
    };
    const script = `import sys, json; sys.path.insert(0, sys.argv[1]); import importlib.util as u
spec = u.spec_from_file_location("w", sys.argv[2]); w = u.module_from_spec(spec); spec.loader.exec_module(w)
v = w.decode_msgpack(sys.stdin.buffer.read())
out = {k: (list(x) if isinstance(x, bytes) else x) for k, x in v.items()}
out["bin32"] = [len(v["bin32"]), v["bin32"][0]]; out["str32"] = len(v["str32"]); out["str16"] = len(v["str16"])
print(json.dumps(out))`;
    const decoded = JSON.parse(
      execFileSync(PYTHON, ['-c', script, '.', STANDIN], { input: encodeMsgpack(value), encoding: 'utf8' }),
    );
    expect(decoded).toEqual({
      ...value,
      bin8: [1, 2, 3],
      bin32: [70_000, 7],
      str32: 70_000,
      str16: 300,
    });
  });
});
