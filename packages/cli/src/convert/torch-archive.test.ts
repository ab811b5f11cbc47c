import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PyDict, PyFloat, PyTuple, TensorRef } from './pickle-reader';
import { TorchArchive } from './torch-archive';

// tensors.pth: torch.save (PyTorch 1.13) of views (transposed, offset + strided), float16, bfloat16 and float64
// tensors and a scalar, next to plain values; the expected float32 values come from the same script.
const DIR = join(import.meta.dirname, 'test-fixtures');
const expected = JSON.parse(readFileSync(join(DIR, 'tensors.expected.json'), 'utf8')) as {
  values: Record<string, number[]>;
  shapes: Record<string, number[]>;
};

describe('TorchArchive', () => {
  it('reads the pickle (archive folder named after the file) and every tensor as tensor.to(float32)', async () => {
    const archive = await TorchArchive.open(join(DIR, 'tensors.pth'));
    try {
      const top = archive.value as PyDict;
      const meta = top.get('meta') as PyDict;
      expect(meta.get('epoch')).toBe(3);
      expect(meta.get('lr')).toEqual(new PyFloat(0.5));
      expect(meta.get('flags')).toEqual(new PyTuple([true, null]));
      expect(archive.pickle.inertGlobals).toEqual([]);
      const state = top.get('state') as PyDict;
      expect(state.keys()).toEqual(Object.keys(expected.values));
      for (const [name, values] of Object.entries(expected.values)) {
        const tensor = state.get(name) as TensorRef;
        expect(tensor).toBeInstanceOf(TensorRef);
        expect([...tensor.shape], name).toEqual(expected.shapes[name]);
        const read = await archive.readFloat32(tensor, name);
        expect([...read], name).toEqual(values.map((v) => Math.fround(v)));
      }
    } finally {
      archive.close();
    }
  });
});
