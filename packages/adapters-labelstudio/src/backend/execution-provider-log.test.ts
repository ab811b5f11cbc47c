import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, HAVE_DEFAULT_MODEL, NO_MODEL_MESSAGE } from '../test-support/test-images';
import { SimpleClickBackend } from './simpleclick-backend';

// The GPU image asks for onnxruntime's CUDA provider (--device cuda); where it cannot start, the backend runs on
// the CPU and must say so. This machine has no CUDA build of onnxruntime: the request really falls back.
describe.skipIf(!HAVE_DEFAULT_MODEL)('execution provider in the log', () => {
  it('--device cuda without CUDA: the model loads on the CPU and the log says so', async () => {
    const lines: string[] = [];
    const backend = await SimpleClickBackend.create({
      model: DEFAULT_MODEL_PATH,
      runtime: { executionProviders: ['cuda', 'cpu'], fallbackToCpu: true, intraOpNumThreads: 1 },
      log: (level, message) => lines.push(`${level} ${message}`),
    });
    try {
      await backend.warmUp();
      expect(lines.some((line) => /^info model \S+ loaded on cpu in \d+ ms$/.test(line))).toBe(true);
      expect(lines).toContain('warn execution provider cuda could not start; running on cpu');
    } finally {
      await backend.close();
    }
  });
});

if (!HAVE_DEFAULT_MODEL) {
  describe('execution provider in the log', () => {
    it.skip(NO_MODEL_MESSAGE, () => undefined);
  });
}
